import { createPrivateKey, createPublicKey, createSign, createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inject } from 'vitest';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import type { OrgRole } from '#shared/contracts/common.ts';
import type { AccountStatus, Org, Tier } from '#shared/domain/identity/model.ts';
import { ensureUserPool } from '#infra/local/bootstrap.ts';

const require = createRequire(import.meta.url);
export const TEST_PASSWORD = 'Correct-Horse-Battery-9';

const cognito = () => new CognitoIdentityProviderClient({ endpoint: inject('stack').endpoints.cognito });

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export async function signIn(email: string, password = TEST_PASSWORD, clientId = inject('stack').userPool.clientId): Promise<Tokens> {
  const out = await cognito().send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: email, PASSWORD: password } }),
  );
  const r = out.AuthenticationResult;
  if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) throw new Error('sign-in returned no tokens');
  return { accessToken: r.AccessToken, idToken: r.IdToken, refreshToken: r.RefreshToken };
}

let seq = 0;
export const uniqueEmail = (domain = 'acme-test.example') => `user${Date.now().toString(36)}${(seq++).toString(36)}${randomUUID().slice(0, 4)}@${domain}`;

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  tokens: Tokens;
}

/** A real Cognito user with a portal profile (and optionally an org membership), signed in. */
export async function createTestUser(opts: {
  email?: string;
  verified?: boolean;
  status?: AccountStatus;
  tier?: Tier;
  staff?: boolean;
  org?: { org: Org; role: OrgRole };
  /** Set by verification in real signups: a free-mail address never gets company access. */
  freeMail?: boolean;
} = {}): Promise<TestUser> {
  const email = opts.email ?? uniqueEmail();
  const idp = cognitoIdentityProvider(inject('stack').userPool.userPoolId);
  const { userId } = await idp.createUser({ email, password: TEST_PASSWORD, enabled: true, emailVerified: opts.verified ?? true });
  if (opts.staff) await idp.addToGroup(email, 'vendor-staff');
  const now = new Date().toISOString();
  await directory.putProfile({
    userId,
    email,
    name: 'Test User',
    locale: 'en',
    emailVerified: opts.verified ?? true,
    status: opts.status ?? 'active',
    tier: opts.tier ?? (opts.org ? 'enterprise' : 'basic'),
    emailDomain: email.split('@')[1],
    freeMail: opts.freeMail ?? false,
    primaryOrgId: opts.org?.org.orgId,
    createdAt: now,
    updatedAt: now,
  });
  if (opts.org) {
    await directory.putMembership({
      userId,
      orgId: opts.org.org.orgId,
      orgName: opts.org.org.name,
      orgKind: opts.org.org.kind,
      role: opts.org.role,
      accessGroup: opts.org.org.kind === 'partner' ? 'Partner' : 'Enterprise customer',
      joinedAt: now,
    });
  }
  return { userId, email, password: TEST_PASSWORD, tokens: await signIn(email) };
}

export async function createTestOrg(over: Partial<Org> = {}): Promise<Org> {
  const id = `org_t${Date.now().toString(36)}${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const org: Org = {
    orgId: id,
    name: `Test Org ${id.slice(-6)}`,
    kind: 'customer',
    country: 'FR',
    domains: [`${id.slice(4)}.example`],
    defaultRole: 'buyer',
    ssoEnabled: false,
    createdAt: new Date().toISOString(),
    ...over,
  };
  await directory.createOrg(org);
  return org;
}

/** Another app client of the same pool: its tokens must not be accepted by the API. */
export async function foreignClientId(): Promise<string> {
  const out = await cognito().send(
    new CreateUserPoolClientCommand({ UserPoolId: inject('stack').userPool.userPoolId, ClientName: `other-${randomUUID().slice(0, 8)}`, ExplicitAuthFlows: ['USER_PASSWORD_AUTH'] }),
  );
  return out.UserPoolClient?.ClientId as string;
}

/** Another user pool on the same Cognito: a token it issues has another issuer. */
export async function foreignPool() {
  return ensureUserPool({ endpoint: inject('stack').endpoints.cognito, region: 'eu-west-1', poolName: 'foreign-pool', clientName: 'foreign-client', staffGroup: 'vendor-staff' });
}

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const privateJwk = JSON.parse(readFileSync(require.resolve("cognito-local/lib/keys/cognitoLocal.private.json"), "utf8")).jwk;

/**
 * Signs a token the way an attacker (or a clock) would: with cognito-local's own key (`RS256`, e.g. expired
 * claims), unsigned (`none`), or HS256 using the issuer's PUBLIC key as the HMAC secret.
 */
export function forgeToken(claims: Record<string, unknown>, alg: 'RS256' | 'none' | 'HS256-public-key' = 'RS256'): string {
  const header = alg === 'none' ? { alg: 'none', typ: 'JWT', kid: 'CognitoLocal' } : alg === 'RS256' ? { alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal' } : { alg: 'HS256', typ: 'JWT', kid: 'CognitoLocal' };
  const input = `${b64url(header)}.${b64url(claims)}`;
  if (alg === 'none') return `${input}.`;
  if (alg === 'RS256') {
    const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
    return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
  }
  const pem = createPublicKey({ key: privateJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
}

export function decodeClaims(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
}
