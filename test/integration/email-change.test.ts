import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestOrg, createTestUser, signIn, uniqueEmail } from '#test/support/identity.ts';
import { codeFromMailbox } from '#test/support/onboarding.ts';
import { query } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';

/** P4: the profiles indexed under an address (gsi1). */
async function usersIndexedUnder(email: string) {
  const { gsi1pk, gsi1sk } = keys.userByEmail(email);
  const { Items } = await query({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
    ExpressionAttributeValues: { ':pk': gsi1pk, ':sk': gsi1sk },
  });
  return Items.map((it) => it.userId);
}

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const details = {
  relationship: 'customer_employee',
  company: 'Acme',
  jobTitle: 'IT lead',
  phone: '+33612345678',
  country: 'FR',
  siteAddress: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
};

describe('changing the email address (ON-7)', () => {
  it('sends a code to the new address; only after confirming does it count for sign-in and org matching', async () => {
    const org = await createTestOrg();
    const user = await createTestUser({ email: uniqueEmail('old-place.example') });
    const newEmail = uniqueEmail(org.domains[0]);
    const token = user.tokens.accessToken;

    const req = await api.call('POST', '/me/email-change', { token, body: { newEmail } });
    expect(req.status).toBe(202);
    // Not yet: matching still uses the old (unowned) domain.
    expect((await api.call('POST', '/onboarding/registration', { token, body: details })).body).toEqual({ status: 'organization_unknown' });

    const code = await codeFromMailbox(newEmail);
    const wrong = await api.call('POST', '/me/email-change/confirm', { token, body: { code: code === '000000' ? '111111' : '000000' } });
    expect(wrong.status).toBe(400);
    const ok = await api.call('POST', '/me/email-change/confirm', { token, body: { code } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'email_changed', email: newEmail });
    expect(await usersIndexedUnder(newEmail)).toEqual([user.userId]);
    expect(await usersIndexedUnder(user.email)).toEqual([]);

    const tokens = await signIn(newEmail, user.password);
    expect((await api.call('GET', '/me', { token: tokens.accessToken })).body.email).toBe(newEmail);
    await expect(signIn(user.email, user.password)).rejects.toThrow();
    const joined = await api.call('POST', '/onboarding/registration', { token: tokens.accessToken, body: details });
    expect(joined.body).toMatchObject({ status: 'joined', organization: { orgId: org.orgId } });
  });

  it('refuses the current address and answers an address in use like any other until the code is used', async () => {
    const user = await createTestUser();
    const same = await api.call('POST', '/me/email-change', { token: user.tokens.accessToken, body: { newEmail: user.email } });
    expect(same.status).toBe(400);
    expect(ErrorBody.parse(same.body).error.code).toBe('same_email');

    const other = await createTestUser();
    const taken = await api.call('POST', '/me/email-change', { token: user.tokens.accessToken, body: { newEmail: other.email } });
    expect(taken.status).toBe(202);
    const code = await codeFromMailbox(other.email);
    const res = await api.call('POST', '/me/email-change/confirm', { token: user.tokens.accessToken, body: { code } });
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(res.body).error.code).toBe('email_unavailable');
    // Nothing moved: both accounts still sign in with their own addresses.
    await expect(signIn(user.email, user.password)).resolves.toBeTruthy();
    await expect(signIn(other.email, other.password)).resolves.toBeTruthy();
  });

  it('answers a confirmation without a pending change like a wrong code', async () => {
    const user = await createTestUser();
    const res = await api.call('POST', '/me/email-change/confirm', { token: user.tokens.accessToken, body: { code: '123456' } });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('invalid_code');
  });
});
