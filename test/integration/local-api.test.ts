import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser, decodeClaims, foreignClientId, foreignPool, forgeToken, signIn } from '#test/support/identity.ts';
import { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';

let api: TestApi;
let member: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const org = await createTestOrg();
  member = await createTestUser({ org: { org, role: 'buyer' } });
});
afterAll(() => api.close());

const expectError = (res: { status: number; body: unknown; headers: Headers }, status: number, type: string, code?: string) => {
  expect(res.status).toBe(status);
  const err = ErrorBody.parse(res.body).error;
  expect(err.type).toBe(type);
  if (code) expect(err.code).toBe(code);
  expect(res.headers.get('x-request-id')).toBeTruthy();
};

describe('local API (route table -> API Gateway events -> handlers)', () => {
  it('serves getHealth without a token', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', stage: 'local' });
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('answers unknown routes and methods with a 404 in the error model', async () => {
    expectError(await api.call('GET', '/nope'), 404, 'not_found_error', 'route_not_found');
    expectError(await api.call('DELETE', '/health'), 404, 'not_found_error', 'route_not_found');
  });

  it('gives a signed-in member their profile and memberships from the table', async () => {
    const res = await api.call('GET', '/me', { token: member.tokens.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: member.userId, email: member.email, tier: 'enterprise', isStaff: false });
    expect(res.body.memberships).toHaveLength(1);
    expect(res.body.memberships[0]).toMatchObject({ role: 'buyer', active: true });
  });

  it('reads the caller with a single DynamoDB query', async () => {
    const { calls } = await countDynamoCalls(() => api.call('GET', '/me', { token: member.tokens.accessToken }));
    expect(calls).toEqual(['QueryCommand']);
  });

  describe('token checks (JWT authorizer semantics)', () => {
    const base = () => decodeClaims(member.tokens.accessToken);

    it('rejects a request without a token', async () => {
      expectError(await api.call('GET', '/me'), 401, 'authentication_error', 'missing_token');
    });
    it('rejects an ID token where an access token is expected', async () => {
      expectError(await api.call('GET', '/me', { token: member.tokens.idToken }), 401, 'authentication_error', 'wrong_token_type');
    });
    it('rejects an unsigned token (alg: none)', async () => {
      expectError(await api.call('GET', '/me', { token: forgeToken(base(), 'none') }), 401, 'authentication_error');
    });
    it('rejects an HS256 token signed with the public key', async () => {
      expectError(await api.call('GET', '/me', { token: forgeToken(base(), 'HS256-public-key') }), 401, 'authentication_error');
    });
    it('rejects a token expired by one second, and accepts the same token still valid', async () => {
      const now = Math.floor(Date.now() / 1000);
      expectError(await api.call('GET', '/me', { token: forgeToken({ ...base(), iat: now - 3600, exp: now - 1 }) }), 401, 'authentication_error');
      const valid = await api.call('GET', '/me', { token: forgeToken({ ...base(), iat: now, exp: now + 60 }) });
      expect(valid.status).toBe(200);
    });
    it('rejects a tampered payload', async () => {
      const [h, , s] = member.tokens.accessToken.split('.');
      const payload = Buffer.from(JSON.stringify({ ...base(), sub: 'someone-else' })).toString('base64url');
      expectError(await api.call('GET', '/me', { token: `${h}.${payload}.${s}` }), 401, 'authentication_error');
    });
    it("rejects another app client's token", async () => {
      const clientId = await foreignClientId();
      const tokens = await signIn(member.email, member.password, clientId);
      expectError(await api.call('GET', '/me', { token: tokens.accessToken }), 401, 'authentication_error');
    });
    it("rejects another user pool's token", async () => {
      const pool = await foreignPool();
      const client = new CognitoIdentityProviderClient({ endpoint: inject('stack').endpoints.cognito });
      await client.send(new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: member.email, MessageAction: 'SUPPRESS' })).catch(() => undefined);
      await client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: member.email, Password: member.password, Permanent: true }));
      const tokens = await signIn(member.email, member.password, pool.clientId);
      expectError(await api.call('GET', '/me', { token: tokens.accessToken }), 401, 'authentication_error');
    });
    it('answers 403 to a cancelled account whose token is still valid', async () => {
      const cancelled = await createTestUser({ status: 'cancelled' });
      expectError(await api.call('GET', '/me', { token: cancelled.tokens.accessToken }), 403, 'authorization_error', 'account_inactive');
    });
  });

  it('answers a CORS preflight for allowed origins only, and exposes x-request-id', async () => {
    const ok = await api.call('OPTIONS', '/me', { headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    const evil = await api.call('OPTIONS', '/me', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const get = await api.call('GET', '/health', { headers: { origin: 'http://localhost:5173' } });
    expect(get.headers.get('access-control-expose-headers')).toBe('x-request-id');
  });

  it('throttles like the stage: request N+1 over the burst gets a 429', async () => {
    const throttled = await startTestApi({ throttle: { ratePerSecond: 0.001, burst: 5 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await throttled.call('GET', '/health')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[5]).toBe(429);
      expectError(await throttled.call('GET', '/health'), 429, 'rate_limit_error', 'throttled');
    } finally {
      await throttled.close();
    }
  });

  it('serves the OpenAPI 3.1 document with every operation of the route table, and the reference page', async () => {
    const doc = await api.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const ops = Object.values(doc.body.paths as Record<string, Record<string, { operationId: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(routes.map((r) => r.operationId).sort());
    const page = await api.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const js = await fetch(`${api.url}/docs/swagger-ui-bundle.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});
