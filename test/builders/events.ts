import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { Membership, Principal, PrincipalStore, UserProfile } from '#shared/domain/identity/model.ts';

/** An API Gateway v2 event as the HTTP API (or the local server) delivers it. */
export function apiEvent(over: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  claims?: Record<string, unknown>;
} = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = over.method ?? 'GET';
  const path = over.path ?? '/';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(over.query ?? {}).toString(),
    headers: over.headers ?? {},
    ...(over.query ? { queryStringParameters: over.query } : {}),
    ...(over.pathParameters ? { pathParameters: over.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: (over.claims ?? {}) as Record<string, string>, scopes: [] } },
    },
    ...(over.body !== undefined ? { body: over.body } : {}),
    isBase64Encoded: over.isBase64Encoded ?? false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export const accessClaims = (sub: string, groups: string[] = []) => ({
  sub,
  token_use: 'access',
  client_id: 'client',
  ...(groups.length ? { 'cognito:groups': groups } : {}),
});

export function profile(over: Partial<UserProfile> = {}): UserProfile {
  return {
    userId: 'u1',
    email: 'user@acme.example',
    name: 'Test User',
    locale: 'en',
    emailVerified: true,
    status: 'active',
    tier: 'enterprise',
    primaryOrgId: 'org_aaaaaaaa01',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

export function membership(over: Partial<Membership> = {}): Membership {
  return {
    userId: 'u1',
    orgId: 'org_aaaaaaaa01',
    orgName: 'Acme',
    orgKind: 'customer',
    role: 'buyer',
    accessGroup: 'Enterprise customer',
    joinedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** In-memory principal store for unit tests. */
export function memoryPrincipals(users: { profile: UserProfile; memberships?: Membership[] }[]): PrincipalStore & { loads: number } {
  const store = {
    loads: 0,
    async load(userId: string) {
      store.loads++;
      const u = users.find((x) => x.profile.userId === userId);
      return u ? { profile: u.profile, memberships: u.memberships ?? [] } : undefined;
    },
  };
  return store;
}

export type { Principal };
