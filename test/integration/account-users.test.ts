import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

/** AC-2 user management: list, invite (email through the outbox), accept, change roles, remove, last admin. */

let api: TestApi;
let org: Org;
let otherOrg: Org;
let admin: TestUser;
let buyer: TestUser;
let foreignUser: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  [org, otherOrg] = await Promise.all([createTestOrg({ name: 'Gamma Logistics', ssoEnabled: true }), createTestOrg()]);
  [admin, buyer, foreignUser] = await Promise.all([
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org: otherOrg, role: 'buyer' } }),
  ]);
});
afterAll(() => api.close());

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });
const invite = (user: TestUser, body: unknown, key = randomUUID()) => call(user, 'POST', '/account/users/invitations', { body, headers: { 'idempotency-key': key } });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('listOrgUsers', () => {
  it("lists the org's members with their names and roles, pending invitations and the SSO status, in 2 DynamoDB calls", async () => {
    const email = uniqueEmail(org.domains[0]);
    expect((await invite(admin, { email, role: 'finance' })).status).toBe(201);
    const { result: res, calls } = await countDynamoCalls(() => call(admin, 'GET', '/account/users'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.sso).toEqual({ enabled: true, managedBy: 'vendor' });
    expect(res.body.members).toEqual(
      expect.arrayContaining([
        { userId: admin.userId, name: 'Test User', email: admin.email, role: 'site_admin', joinedAt: expect.any(String), you: true },
        { userId: buyer.userId, name: 'Test User', email: buyer.email, role: 'buyer', joinedAt: expect.any(String), you: false },
      ]),
    );
    expect(res.body.members.map((m: { userId: string }) => m.userId)).not.toContain(foreignUser.userId);
    expect(res.body.invitations).toEqual(expect.arrayContaining([expect.objectContaining({ email, role: 'finance', orgId: org.orgId, invitedBy: { name: 'Test User' } })]));
    // principal, then the org's user list (gsi1): the org (SSO), invitations and memberships with their members' names and emails
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it('pages with a signed cursor that another org cannot use', async () => {
    const first = await call(admin, 'GET', '/account/users?limit=1');
    expect(first.status).toBe(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(admin, 'GET', `/account/users?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    const otherAdmin = await createTestUser({ org: { org: otherOrg, role: 'site_admin' } });
    expectError(await call(otherAdmin, 'GET', `/account/users?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'invalid_cursor', 'query.cursor');
  });

  it('is for site admins only', async () => {
    expectError(await call(buyer, 'GET', '/account/users'), 403, 'role_forbidden');
  });
});

describe('inviteOrgUser', () => {
  it('emails the invitation through the outbox in the chosen locale, in 2 DynamoDB calls', async () => {
    const email = uniqueEmail(org.domains[0]);
    const { result: res, calls } = await countDynamoCalls(() => invite(admin, { email: email.toUpperCase(), role: 'report_viewer', locale: 'fr' }));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ email, role: 'report_viewer', orgId: org.orgId, orgName: 'Gamma Logistics' });
    expect(new Date(res.body.expiresAt).getTime() - new Date(res.body.createdAt).getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    const mail = await waitForMail(email);
    expect(mail.subject).toContain('Gamma Logistics');
    expect(mail.body.text).toContain(`/signup?invitation=${org.orgId}`);
  });

  it('replays a retry with the same key (one email), refuses the key with another body (422) and replaces a pending invitation when re-invited', async () => {
    const email = uniqueEmail(org.domains[0]);
    const key = randomUUID();
    const first = await invite(admin, { email, role: 'buyer' }, key);
    const again = await invite(admin, { email, role: 'buyer' }, key);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expectError(await invite(admin, { email, role: 'shopper' }, key), 422, 'idempotency_key_reused', 'header.idempotency-key');
    const replaced = await invite(admin, { email, role: 'shopper' });
    expect(replaced.status).toBe(201);
    const list = await call(admin, 'GET', '/account/users?limit=100');
    expect(list.body.invitations.filter((i: { email: string }) => i.email === email)).toEqual([expect.objectContaining({ role: 'shopper' })]);
  });

  it('refuses free-mail and disposable addresses (422), your own address (409), bad input (400) and non-admins (403)', async () => {
    expectError(await invite(admin, { email: `x${Date.now()}@gmail.com`, role: 'buyer' }), 422, 'business_email_required', 'body.email');
    expectError(await invite(admin, { email: `x${Date.now()}@mailinator.com`, role: 'buyer' }), 422, 'business_email_required', 'body.email');
    expectError(await invite(admin, { email: admin.email, role: 'buyer' }), 409, 'already_member', 'body.email');
    expectError(await invite(admin, { email: 'not-an-email', role: 'buyer' }), 400, 'invalid_field', 'body.email');
    expectError(await invite(admin, { email: uniqueEmail(), role: 'owner' }), 400, 'invalid_field', 'body.role');
    expectError(await invite(admin, { email: uniqueEmail(), role: 'buyer', orgId: otherOrg.orgId }), 400, 'unknown_field', 'body.orgId');
    expectError(await call(admin, 'POST', '/account/users/invitations', { body: { email: uniqueEmail(), role: 'buyer' } }), 400, 'missing_field', 'header.idempotency-key');
    expectError(await invite(buyer, { email: uniqueEmail(), role: 'buyer' }), 403, 'role_forbidden');
  });

  it('can be withdrawn; withdrawing a missing or another org\'s invitation answers the same 404', async () => {
    const email = uniqueEmail(org.domains[0]);
    await invite(admin, { email, role: 'buyer' });
    const otherAdmin = await createTestUser({ org: { org: otherOrg, role: 'site_admin' } });
    const foreign = await call(otherAdmin, 'DELETE', `/account/users/invitations/${encodeURIComponent(email)}`);
    const missing = await call(otherAdmin, 'DELETE', `/account/users/invitations/${encodeURIComponent(uniqueEmail())}`);
    expectError(foreign, 404, 'invitation_not_found', 'path.email');
    expect(missing.body).toEqual(foreign.body);
    expect((await call(admin, 'DELETE', `/account/users/invitations/${encodeURIComponent(email)}`)).status).toBe(204);
    expectError(await call(admin, 'DELETE', `/account/users/invitations/${encodeURIComponent(email)}`), 404, 'invitation_not_found');
  });
});

describe('acceptInvitation', () => {
  it('joins the org with the invited role, once: the membership, tier and primary org are set and a confirmation is emailed', async () => {
    const invitee = await createTestUser({ email: uniqueEmail(org.domains[0]), tier: 'basic' });
    expect((await invite(admin, { email: invitee.email, role: 'finance' })).status).toBe(201);
    const mine = await call(invitee, 'GET', '/account/invitations');
    expect(mine.body.items).toEqual([expect.objectContaining({ orgId: org.orgId, orgName: 'Gamma Logistics', role: 'finance' })]);

    const { result: res, calls } = await countDynamoCalls(() => call(invitee, 'POST', `/account/invitations/${org.orgId}/accept`));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'joined', organization: { orgId: org.orgId, orgName: 'Gamma Logistics', role: 'finance', accessGroup: 'Enterprise customer' }, tier: 'enterprise' });
    // principal, the invitation, one transaction (invitation consumed, membership, profile, email)
    expect(calls).toEqual(['QueryCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
    await waitForMail(invitee.email, (m) => m.subject.includes('Gamma Logistics'));
    const me = await call(invitee, 'GET', '/me');
    expect(me.body).toMatchObject({ tier: 'enterprise', memberships: [{ orgId: org.orgId, role: 'finance', active: true }] });

    expectError(await call(invitee, 'POST', `/account/invitations/${org.orgId}/accept`), 409, 'already_member', 'path.orgId');
    expect((await call(invitee, 'GET', '/account/invitations')).body.items).toEqual([]);
  });

  it('answers 404 without an invitation for the caller\'s own verified address, and 403 to free-mail accounts', async () => {
    const email = uniqueEmail(org.domains[0]);
    await invite(admin, { email, role: 'buyer' });
    const someoneElse = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    expectError(await call(someoneElse, 'POST', `/account/invitations/${org.orgId}/accept`), 404, 'invitation_not_found', 'path.orgId');
    expectError(await call(someoneElse, 'POST', '/account/invitations/org_doesnotexist0000/accept'), 404, 'invitation_not_found', 'path.orgId');
    const freeMail = await createTestUser({ freeMail: true });
    expectError(await call(freeMail, 'POST', `/account/invitations/${org.orgId}/accept`), 403, 'free_mail_domain');
    expectError(await call(someoneElse, 'POST', '/account/invitations/not-an-org/accept'), 400, 'invalid_field', 'path.orgId');
    const unverified = await createTestUser({ email, verified: false });
    expectError(await call(unverified, 'POST', `/account/invitations/${org.orgId}/accept`), 403, 'email_not_verified');
  });

  it('lets exactly one of two concurrent acceptances of one invitation through', async () => {
    const invitee = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    await invite(admin, { email: invitee.email, role: 'buyer' });
    const results = await Promise.all([1, 2, 3].map(() => call(invitee, 'POST', `/account/invitations/${org.orgId}/accept`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect([404, 409]).toContain(r.status);
  });
});

describe('updateOrgUserRole and removeOrgUser', () => {
  it('change a role in 2 DynamoDB calls; the user acts with the new role at once', async () => {
    const user = await createTestUser({ org: { org, role: 'shopper' } });
    expectError(await call(user, 'GET', '/account/service-contracts'), 403, 'role_forbidden');
    const { result: res, calls } = await countDynamoCalls(() => call(admin, 'PATCH', `/account/users/${user.userId}`, { body: { role: 'buyer' } }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ userId: user.userId, role: 'buyer', joinedAt: expect.any(String) });
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand']);
    expect((await call(user, 'GET', '/account/service-contracts')).status).toBe(200);
  });

  it('answer a user of another org exactly like a missing one', async () => {
    for (const [method, body] of [['PATCH', { role: 'buyer' }], ['DELETE', undefined]] as const) {
      const foreign = await call(admin, method, `/account/users/${foreignUser.userId}`, { body });
      const missing = await call(admin, method, `/account/users/nobody-${randomUUID()}`, { body });
      expectError(foreign, 404, 'user_not_found', 'path.userId');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual(foreign.body);
    }
    expectError(await call(admin, 'PATCH', `/account/users/${buyer.userId}`, { body: { role: 'owner' } }), 400, 'invalid_field', 'body.role');
    expectError(await call(admin, 'PATCH', `/account/users/bad%20id`, { body: { role: 'buyer' } }), 400, 'invalid_field', 'path.userId');
  });

  it('never demote or remove the last site admin (409), and allow it once another admin exists', async () => {
    const solo = await createTestOrg();
    const only = await createTestUser({ org: { org: solo, role: 'site_admin' } });
    expectError(await call(only, 'PATCH', `/account/users/${only.userId}`, { body: { role: 'buyer' } }), 409, 'last_site_admin', 'path.userId');
    expectError(await call(only, 'DELETE', `/account/users/${only.userId}`), 409, 'last_site_admin', 'path.userId');
    // Promoting or keeping a site admin is not a demotion.
    expect((await call(only, 'PATCH', `/account/users/${only.userId}`, { body: { role: 'site_admin' } })).status).toBe(200);

    const second = await createTestUser({ org: { org: solo, role: 'buyer' } });
    expect((await call(only, 'PATCH', `/account/users/${second.userId}`, { body: { role: 'site_admin' } })).body.role).toBe('site_admin');
    const { result: demoted, calls } = await countDynamoCalls(() => call(second, 'PATCH', `/account/users/${only.userId}`, { body: { role: 'finance' } }));
    expect(demoted.status, demoted.text).toBe(200);
    // principal, the guarded update (refused: a site admin), the org's admins, the transaction with the keeper check
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expectError(await call(second, 'DELETE', `/account/users/${second.userId}`), 409, 'last_site_admin');
  });

  it('let exactly one of two site admins demoting each other at the same time succeed', async () => {
    const duo = await createTestOrg();
    const [a, b] = await Promise.all([createTestUser({ org: { org: duo, role: 'site_admin' } }), createTestUser({ org: { org: duo, role: 'site_admin' } })]);
    const [ra, rb] = await Promise.all([
      call(a, 'PATCH', `/account/users/${b.userId}`, { body: { role: 'buyer' } }),
      call(b, 'PATCH', `/account/users/${a.userId}`, { body: { role: 'buyer' } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const winner = ra.status === 200 ? a : b;
    const list = await call(winner, 'GET', '/account/users');
    expect(list.body.members.filter((m: { role: string }) => m.role === 'site_admin')).toHaveLength(1);
  });

  it('remove a member: their access to the org ends, their account stays', async () => {
    const user = await createTestUser({ org: { org, role: 'buyer' } });
    expect((await call(user, 'GET', '/account')).status).toBe(200);
    expect((await call(admin, 'DELETE', `/account/users/${user.userId}`)).status).toBe(204);
    expectError(await call(user, 'GET', '/account'), 403, 'org_membership_required');
    expect((await call(user, 'GET', '/me')).status).toBe(200);
    expectError(await call(admin, 'DELETE', `/account/users/${user.userId}`), 404, 'user_not_found');
  });

  it('are for site admins only', async () => {
    expectError(await call(buyer, 'PATCH', `/account/users/${admin.userId}`, { body: { role: 'buyer' } }), 403, 'role_forbidden');
    expectError(await call(buyer, 'DELETE', `/account/users/${admin.userId}`), 403, 'role_forbidden');
  });
});
