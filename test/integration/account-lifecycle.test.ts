import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dynamoPrincipalStore } from '#shared/adapters/dynamodb/repositories/principals.ts';
import { CANCEL_PHRASE } from '#shared/domain/billing/lifecycle.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { TEST_PASSWORD, type TestUser, createTestOrg, createTestUser, signIn } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

/**
 * BI-5 against cognito-local: cancelling (confirmation, identity disabled, old token 403) and reactivating
 * (free trial at once; paid through a reactivation review decided by staff). Two limits of the stand-in:
 * it has no AdminUserGlobalSignOut (refresh-token revocation is not observable here) and it still lets a
 * disabled user sign in (Cognito refuses with NotAuthorizedException), so these tests read the identity's
 * `Enabled` flag instead of expecting a refused sign-in; the profile status (403 for tokens issued before)
 * is what the API enforces either way.
 */
const enabled = async (email: string) =>
  (await new CognitoIdentityProviderClient({ endpoint: inject('stack').endpoints.cognito }).send(new AdminGetUserCommand({ UserPoolId: inject('stack').userPool.userPoolId, Username: email }))).Enabled;

let api: TestApi;
let staff: TestUser;
beforeAll(async () => {
  api = await startTestApi();
  staff = await createTestUser({ staff: true });
});
afterAll(() => api.close());

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}
const cancel = (u: TestUser, body: unknown) => api.call('POST', '/me/cancel', { token: u.tokens.accessToken, body });
const reactivate = (email: string, password: string) => api.call('POST', '/account-reactivation', { body: { email, password } });

describe('cancelAccount', () => {
  it('needs a confirmation and changes nothing without a valid one', async () => {
    const u = await createTestUser();
    expectError(await cancel(u, {}), 400, 'confirmation_required', 'body.confirmation');
    expectError(await cancel(u, { confirmation: 'cancel' }), 400, 'confirmation_mismatch', 'body.confirmation');
    expectError(await cancel(u, { password: 'not-my-password-at-all' }), 403, 'confirmation_failed', 'body.password');
    expectError(await cancel(u, { password: 'short' }), 400, 'invalid_field', 'body.password');
    expect((await api.call('GET', '/me', { token: u.tokens.accessToken })).body.status).toBe('active');
    expect(await enabled(u.email)).toBe(true);
  });

  it('with the typed phrase: identity disabled, the old token gets 403, an email', async () => {
    const u = await createTestUser();
    const res = await cancel(u, { confirmation: CANCEL_PHRASE.toLowerCase() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'cancelled', cancelledAt: expect.any(String) });
    expectError(await api.call('GET', '/me', { token: u.tokens.accessToken }), 403, 'account_inactive');
    expect(await enabled(u.email)).toBe(false);
    await waitForMail(u.email, (m) => m.subject === 'Your Support Portal account has been cancelled');
  });

  it('with the password (checked with Cognito)', async () => {
    const org = await createTestOrg();
    const u = await createTestUser({ org: { org, role: 'site_admin' } });
    expect((await cancel(u, { password: TEST_PASSWORD })).status).toBe(200);
    expect((await dynamoPrincipalStore.load(u.userId))?.profile.status).toBe('cancelled');
    expectError(await api.call('GET', '/account', { token: u.tokens.accessToken }), 403, 'account_inactive');
  });
});

describe('reactivateAccount', () => {
  it('reactivates a free-trial account at once with its password', async () => {
    const u = await createTestUser({ tier: 'basic' });
    expect((await cancel(u, { confirmation: CANCEL_PHRASE })).status).toBe(200);
    expectError(await reactivate(u.email, 'a wrong password here'), 401, 'invalid_credentials');
    expect(await enabled(u.email)).toBe(false); // the failed attempt left it disabled
    const res = await reactivate(u.email, TEST_PASSWORD);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'active' });
    expect(await enabled(u.email)).toBe(true);
    const tokens = await signIn(u.email);
    expect((await api.call('GET', '/me', { token: tokens.accessToken })).body.status).toBe('active');
  });

  it('answers the same 401 for an unknown address and an account that is not cancelled', async () => {
    const u = await createTestUser();
    expectError(await reactivate(u.email, TEST_PASSWORD), 401, 'invalid_credentials');
    expectError(await reactivate('nobody-here@example.com', TEST_PASSWORD), 401, 'invalid_credentials');
    expectError(await api.call('POST', '/account-reactivation', { body: { email: 'x' } }), 400, 'invalid_field');
  });

  it('files a reactivation review for a paid account; staff approval re-enables it', async () => {
    const org = await createTestOrg();
    const u = await createTestUser({ org: { org, role: 'buyer' } });
    expect((await cancel(u, { confirmation: CANCEL_PHRASE })).status).toBe(200);
    const res = await reactivate(u.email, TEST_PASSWORD);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({ status: 'pending_review', reference: expect.stringMatching(/^\d{8}$/) });
    // Asking again answers the same request; the account stays closed meanwhile.
    expect((await reactivate(u.email, TEST_PASSWORD)).body).toEqual(res.body);
    expect(await enabled(u.email)).toBe(false);
    expect((await dynamoPrincipalStore.load(u.userId))?.profile.status).toBe('cancelled');
    await waitForMail(u.email, (m) => m.subject.includes(res.body.reference));
    const queue = await api.call('GET', '/reviews?kind=reactivation&limit=100', { token: staff.tokens.accessToken });
    const review = queue.body.items.find((r: { reference: string }) => r.reference === res.body.reference);
    expect(review).toMatchObject({ kind: 'reactivation', status: 'pending' });
    const decided = await api.call('POST', `/reviews/${review.reviewId}/decision`, { token: staff.tokens.accessToken, body: { decision: 'approve' } });
    expect(decided.status, decided.text).toBe(202);
    await waitForMail(u.email, (m) => m.subject === 'Your account has been reactivated');
    expect(await enabled(u.email)).toBe(true);
    const tokens = await signIn(u.email);
    expect((await api.call('GET', '/me', { token: tokens.accessToken })).body).toMatchObject({ status: 'active', tier: 'enterprise' });
  });
});
