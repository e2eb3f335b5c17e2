import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { type TestUser, createTestOrg, createTestUser, decodeClaims, foreignClientId, foreignPool, forgeToken, signIn } from '#test/support/identity.ts';
import { pool } from './authz-world.ts';

/**
 * SECURITY.md "Passwords and tokens": every attack token is refused with a 401 on every non-public route of the
 * route table (JWT authorizer semantics, then the access-token check of shared/http/auth.ts), before any
 * parameter is even read; a cancelled account's still-valid token gets a 403 everywhere.
 */

let api: TestApi;
let member: TestUser;
let cancelled: TestUser;
const attacks: Record<string, string | undefined> = {};

const protectedRoutes = routes.filter((r) => r.auth.kind !== 'public');
// Authorization runs before the path is validated, so any value fills a parameter.
const pathOf = (route: RouteSpec) => route.path.replace(/\{[A-Za-z0-9_]+\}/g, 'x');

beforeAll(async () => {
  api = await startTestApi();
  const org = await createTestOrg();
  [member, cancelled] = await Promise.all([createTestUser({ org: { org, role: 'site_admin' } }), createTestUser({ status: 'cancelled', org: { org, role: 'site_admin' } })]);
  const claims = decodeClaims(member.tokens.accessToken);
  const now = Math.floor(Date.now() / 1000);
  const [h, , s] = member.tokens.accessToken.split('.');

  const otherClient = await signIn(member.email, member.password, await foreignClientId());
  const otherPool = await foreignPool();
  const cognito = new CognitoIdentityProviderClient({ endpoint: inject('stack').endpoints.cognito });
  await cognito.send(new AdminCreateUserCommand({ UserPoolId: otherPool.userPoolId, Username: member.email, MessageAction: 'SUPPRESS' })).catch(() => undefined);
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: otherPool.userPoolId, Username: member.email, Password: member.password, Permanent: true }));
  const poolTokens = await signIn(member.email, member.password, otherPool.clientId);
  cognito.destroy();

  Object.assign(attacks, {
    'no token': undefined,
    'alg: none': forgeToken(claims, 'none'),
    'HS256 signed with the public key': forgeToken(claims, 'HS256-public-key'),
    'expired by one second': forgeToken({ ...claims, iat: now - 3600, exp: now - 1 }),
    'ID token instead of an access token': member.tokens.idToken,
    'tampered payload (another sub)': `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: cancelled.userId })).toString('base64url')}.${s}`,
    "another app client's token": otherClient.accessToken,
    "another user pool's token": poolTokens.accessToken,
    'not a JWT': 'not-a-jwt',
  });
});
afterAll(() => api.close());

const call = (route: RouteSpec, token: string | undefined) =>
  api.call(route.method, pathOf(route), token ? { token } : {});

const refusedWith = (res: ApiResponse, status: number, type: string) =>
  res.status === status && ErrorBody.safeParse(res.body).data?.error.type === type && !!res.headers.get('x-request-id');

describe('token attacks on every non-public route', () => {
  it('are all refused with 401 authentication_error', async () => {
    const cases = Object.entries(attacks).flatMap(([attack, token]) => protectedRoutes.map((route) => ({ attack, token, route })));
    const results = await pool(8, cases.map((c) => async () => ({ ...c, res: await call(c.route, c.token) })));
    const accepted = results.filter(({ res }) => !refusedWith(res, 401, 'authentication_error')).map(({ attack, route, res }) => `${route.operationId} <- ${attack}: ${res.status} ${res.text.slice(0, 200)}`);
    expect(accepted).toEqual([]);
    expect(results.length).toBe(Object.keys(attacks).length * protectedRoutes.length);
    console.info(`token attacks: ${Object.keys(attacks).length} kinds x ${protectedRoutes.length} routes = ${results.length} cases, all 401`);
  });

  it('name the reason where the API can tell: no token, wrong token type', async () => {
    const route = protectedRoutes.find((r) => r.operationId === 'getMe') as RouteSpec;
    expect(ErrorBody.parse((await call(route, undefined)).body).error.code).toBe('missing_token');
    expect(ErrorBody.parse((await call(route, attacks['ID token instead of an access token'])).body).error.code).toBe('wrong_token_type');
  });

  it('control: the genuine token, and the forged one still inside its lifetime, get past the token check', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await api.call('GET', '/me', { token: member.tokens.accessToken })).status).toBe(200);
    expect((await api.call('GET', '/me', { token: forgeToken({ ...decodeClaims(member.tokens.accessToken), iat: now, exp: now + 60 }) })).status).toBe(200);
  });
});

describe('a cancelled account with a still-valid token', () => {
  it('gets 403 account_inactive on every non-public route', async () => {
    expect((await api.call('GET', '/health', { token: cancelled.tokens.accessToken })).status).toBe(200);
    const results = await pool(8, protectedRoutes.map((route) => async () => ({ route, res: await call(route, cancelled.tokens.accessToken) })));
    const wrong = results
      .filter(({ res }) => !(refusedWith(res, 403, 'authorization_error') && ErrorBody.parse(res.body).error.code === 'account_inactive'))
      .map(({ route, res }) => `${route.operationId}: ${res.status} ${res.text.slice(0, 200)}`);
    expect(wrong).toEqual([]);
  });

  it('cancelled through cancelAccount: the token it still holds gets 403 account_inactive on every non-public route', async () => {
    const org = await createTestOrg();
    const user = await createTestUser({ org: { org, role: 'site_admin' } });
    const cancel = await api.call('POST', '/me/cancel', { token: user.tokens.accessToken, body: { confirmation: 'CANCEL MY ACCOUNT' } });
    expect(cancel.status, cancel.text).toBe(200);
    const results = await pool(8, protectedRoutes.map((route) => async () => ({ route, res: await call(route, user.tokens.accessToken) })));
    const wrong = results.filter(({ res }) => !(res.status === 403 && ErrorBody.safeParse(res.body).data?.error.code === 'account_inactive')).map(({ route, res }) => `${route.operationId}: ${res.status}`);
    expect(wrong).toEqual([]);
  });
});
