import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

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

  // Token attacks (alg none, HS256 with the public key, expired, ID token, other pool/client) and the cancelled
  // account's 403 are proven on every route in test/security/tokens.test.ts.

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
      const responses = [];
      for (let i = 0; i < 6; i++) responses.push(await throttled.call('GET', '/health'));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
      // The RateLimit headers the OpenAPI document declares (draft-ietf-httpapi-ratelimit-headers), and Retry-After on the 429.
      expect(responses[0]?.headers.get('ratelimit')).toBe('"stage";r=4;t=0');
      expect(responses[0]?.headers.get('ratelimit-policy')).toMatch(/^"stage";q=5;w=\d+$/);
      expect(responses[5]?.headers.get('ratelimit')).toMatch(/^"stage";r=0;t=[1-9]\d*$/);
      expect(Number(responses[5]?.headers.get('retry-after'))).toBeGreaterThan(0);
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
