import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { ET, Expr, type Item, getItem, putItem, transact, txDelete, updateItem } from '#shared/adapters/dynamodb/commands.ts';
import { IDENTITY_ENTITY } from '#shared/adapters/dynamodb/entities/identity.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { getInvitation, removeMember, updateProfile } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { acceptInvitation } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { dynamoPrincipalStore } from '#shared/adapters/dynamodb/repositories/principals.ts';
import { type Membership, type Org, type UserProfile, memberCopiesOf } from '#shared/domain/identity/model.ts';
import { orgIdFor } from '#shared/domain/reviews/steps.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { beforeEachDynamoCommand, countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser, uniqueEmail } from '#test/support/identity.ts';
import { codeFromMailbox } from '#test/support/onboarding.ts';

/**
 * AC-2 user list in one Query: members' names and emails are copies on their memberships, the org item sits
 * in the same gsi1 partition. Every write of a copied value must update the copies in the same transaction
 * as the source; these tests read both items after each write, and force failures without mocks.
 */

let api: TestApi;
let org: Org;
let second: Org;
let admin: TestUser;
let secondAdmin: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  [org, second] = await Promise.all([createTestOrg({ name: 'Copies SSO Org', ssoEnabled: true }), createTestOrg({ name: 'Copies Plain Org' })]);
  [admin, secondAdmin] = await Promise.all([createTestUser({ org: { org, role: 'site_admin' } }), createTestUser({ org: { org: second, role: 'site_admin' } })]);
});
afterAll(() => api.close());

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });

type MemberView = { userId: string; name?: string; email?: string; role: string; joinedAt: string; you: boolean };

async function listAll(as: TestUser, limit = 100): Promise<{ pages: ApiResponse[]; members: MemberView[] }> {
  const pages: ApiResponse[] = [];
  let cursor: string | undefined;
  do {
    const res = await call(as, 'GET', `/account/users?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    pages.push(res);
    cursor = res.body.nextCursor;
  } while (cursor);
  return { pages, members: pages.flatMap((p) => p.body.members as MemberView[]) };
}

const memberIn = async (as: TestUser, userId: string) => (await listAll(as)).members.find((m) => m.userId === userId);
const profileItem = async (userId: string) => (await getItem(keys.user(userId))) as Item;
const membershipItemOf = async (userId: string, orgId: string) => getItem(keys.membership(userId, orgId));

/** A member of `org` who also belongs to `second` (two memberships, two copies). */
async function twoOrgMember(): Promise<TestUser> {
  const user = await createTestUser({ org: { org, role: 'buyer' } });
  await directory.putMembership({ userId: user.userId, orgId: second.orgId, orgName: second.name, orgKind: second.kind, role: 'finance', accessGroup: 'Enterprise customer', joinedAt: new Date().toISOString() });
  return user;
}

describe('listOrgUsers in one read', () => {
  it('answers with the principal Query and one Query of the user list, the org (SSO) included', async () => {
    const { result, calls } = await countDynamoCalls(() => call(admin, 'GET', '/account/users'));
    expect(result.status, result.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect(result.body.sso).toEqual({ enabled: true, managedBy: 'vendor' });
    expect(result.body.members).toContainEqual({ userId: admin.userId, name: 'Test User', email: admin.email, role: 'site_admin', joinedAt: expect.any(String), you: true });
  });

  it('pages exactly like the whole list, every page with the SSO status (carried by the cursor), in 2 calls each', async () => {
    const paged = await Promise.all([createTestOrg({ ssoEnabled: true }), createTestOrg()]);
    for (const o of paged) {
      const owner = await createTestUser({ org: { org: o, role: 'site_admin' } });
      await Promise.all([1, 2, 3].map(() => createTestUser({ org: { org: o, role: 'buyer' } })));
      const invited = await call(owner, 'POST', '/account/users/invitations', { body: { email: uniqueEmail(o.domains[0]), role: 'buyer' }, headers: { 'idempotency-key': randomUUID() } });
      expect(invited.status, invited.text).toBe(201);

      const whole = await listAll(owner);
      expect(whole.pages).toHaveLength(1);
      expect(whole.members).toHaveLength(4);
      const byOne = await listAll(owner, 1);
      // 5 entries (an invitation and 4 members), one per page; DynamoDB's limit stops at the 5th with a cursor.
      expect(byOne.pages.length).toBe(6);
      expect(byOne.members).toEqual(whole.members);
      expect(byOne.pages.flatMap((p) => p.body.invitations)).toEqual(whole.pages[0]?.body.invitations);
      for (const p of byOne.pages) {
        expect(p.body.sso.enabled).toBe(o.ssoEnabled);
        expect(p.body.members.length + p.body.invitations.length).toBeLessThanOrEqual(1);
      }
      const cursor = byOne.pages[1]?.body.nextCursor as string;
      const { calls } = await countDynamoCalls(() => call(owner, 'GET', `/account/users?limit=1&cursor=${encodeURIComponent(cursor)}`));
      expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    }
  });

  it('keeps its pages for an org item written before orgs were projected into the list', async () => {
    const legacy = await createTestOrg({ ssoEnabled: true });
    const owner = await createTestUser({ org: { org: legacy, role: 'site_admin' } });
    await createTestUser({ org: { org: legacy, role: 'buyer' } });
    const { gsi1pk: _pk, gsi1sk: _sk, ...old } = (await getItem(keys.org(legacy.orgId))) as Item;
    await putItem(old);
    const first = await call(owner, 'GET', '/account/users?limit=1');
    expect(first.body.members).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect((await listAll(owner, 1)).members).toHaveLength(2);
  });

  it('refuses a cursor without the SSO status (a plain signed key, as before)', async () => {
    const { encodeCursor } = await import('#shared/http/cursor.ts');
    const plain = await encodeCursor({ pk: 'x', sk: 'y' }, ['account-users', org.orgId, admin.userId].join('|'));
    const res = await call(admin, 'GET', `/account/users?cursor=${encodeURIComponent(plain as string)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_cursor');
  });
});

describe('the copies follow every write of a copied value', () => {
  it('a rename: profile, email claim and every membership in one transaction (2 calls); both lists show it', async () => {
    const user = await twoOrgMember();
    const { result, calls } = await countDynamoCalls(() => call(user, 'PATCH', '/account/profile', { body: { name: 'Renée Renamed' } }));
    expect(result.status, result.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    expect((await profileItem(user.userId)).name).toBe('Renée Renamed');
    expect((await membershipItemOf(user.userId, org.orgId))?.userName).toBe('Renée Renamed');
    expect((await membershipItemOf(user.userId, second.orgId))?.userName).toBe('Renée Renamed');
    expect(await memberIn(admin, user.userId)).toMatchObject({ name: 'Renée Renamed', email: user.email, role: 'buyer' });
    expect(await memberIn(secondAdmin, user.userId)).toMatchObject({ name: 'Renée Renamed', email: user.email, role: 'finance' });
  });

  it('a rename that fails (its email claim is gone) changes neither the profile nor the copies', async () => {
    const user = await twoOrgMember();
    await transact([txDelete(keys.emailClaim(user.email))]);
    const res = await call(user, 'PATCH', '/account/profile', { body: { name: 'Never Written' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await profileItem(user.userId)).name).toBe('Test User');
    expect((await membershipItemOf(user.userId, org.orgId))?.userName).toBe('Test User');
    expect((await membershipItemOf(user.userId, second.orgId))?.userName).toBe('Test User');
  });

  it('a change of phone or locale alone writes no copy (as before: 2 calls)', async () => {
    const user = await twoOrgMember();
    const { result, calls } = await countDynamoCalls(() => call(user, 'PATCH', '/account/profile', { body: { phone: '+33612345678', locale: 'fr' } }));
    expect(result.status, result.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    expect(await memberIn(admin, user.userId)).toMatchObject({ name: 'Test User', email: user.email });
  });

  it('a confirmed email change moves the copies with the claim (3 calls, as before); both lists show the new address', async () => {
    const user = await twoOrgMember();
    const newEmail = uniqueEmail(org.domains[0]);
    expect((await call(user, 'POST', '/me/email-change', { body: { newEmail } })).status).toBe(202);
    const code = await codeFromMailbox(newEmail);
    const { result, calls } = await countDynamoCalls(() => call(user, 'POST', '/me/email-change/confirm', { body: { code } }));
    expect(result.status, result.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);
    expect((await profileItem(user.userId)).email).toBe(newEmail);
    expect((await membershipItemOf(user.userId, org.orgId))?.userEmail).toBe(newEmail);
    expect((await membershipItemOf(user.userId, second.orgId))?.userEmail).toBe(newEmail);
    expect(await memberIn(admin, user.userId)).toMatchObject({ name: 'Test User', email: newEmail });
    expect(await memberIn(secondAdmin, user.userId)).toMatchObject({ email: newEmail });
  });

  it('an email change refused at confirmation (the address was taken meanwhile) changes neither the profile nor the copies', async () => {
    const user = await twoOrgMember();
    const newEmail = uniqueEmail(org.domains[0]);
    expect((await call(user, 'POST', '/me/email-change', { body: { newEmail } })).status).toBe(202);
    const code = await codeFromMailbox(newEmail);
    await createTestUser({ email: newEmail });
    const res = await call(user, 'POST', '/me/email-change/confirm', { body: { code } });
    expect(res.status).toBe(409);
    expect((await profileItem(user.userId)).email).toBe(user.email);
    expect((await membershipItemOf(user.userId, org.orgId))?.userEmail).toBe(user.email);
    expect((await membershipItemOf(user.userId, second.orgId))?.userEmail).toBe(user.email);
  });

  it('a role change shows at once; a removed member leaves the list', async () => {
    const user = await createTestUser({ org: { org, role: 'shopper' } });
    expect((await call(admin, 'PATCH', `/account/users/${user.userId}`, { body: { role: 'report_viewer' } })).status).toBe(200);
    expect(await memberIn(admin, user.userId)).toMatchObject({ role: 'report_viewer', name: 'Test User', email: user.email });
    expect((await call(admin, 'DELETE', `/account/users/${user.userId}`)).status).toBe(204);
    expect(await memberIn(admin, user.userId)).toBeUndefined();
  });

  it('an accepted invitation creates the membership with the copies (3 calls, as before)', async () => {
    const invitee = await createTestUser({ email: uniqueEmail(org.domains[0]), tier: 'basic' });
    await call(invitee, 'PATCH', '/account/profile', { body: { name: 'Ines Invited' } });
    expect((await call(admin, 'POST', '/account/users/invitations', { body: { email: invitee.email, role: 'finance' }, headers: { 'idempotency-key': randomUUID() } })).status).toBe(201);
    const { result, calls } = await countDynamoCalls(() => call(invitee, 'POST', `/account/invitations/${org.orgId}/accept`));
    expect(result.status, result.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'GetItemCommand', 'TransactWriteItemsCommand']);
    expect(await membershipItemOf(invitee.userId, org.orgId)).toMatchObject({ userName: 'Ines Invited', userEmail: invitee.email });
    expect(await memberIn(admin, invitee.userId)).toMatchObject({ name: 'Ines Invited', email: invitee.email, role: 'finance', you: false });
    expect((await profileItem(invitee.userId)).membershipsVersion).toBe(1);
  });
});

describe('a review approval that creates a membership', () => {
  it("writes the applicant's current name, not the one they submitted with days before", async () => {
    const domain = `cp${randomUUID().replace(/-/g, '').slice(0, 10)}.example`;
    const applicant = await createTestUser({ email: uniqueEmail(domain), tier: 'limited' });
    const registration = {
      relationship: 'customer_employee',
      company: 'Copies Co',
      jobTitle: 'IT lead',
      phone: '+33612345678',
      country: 'FR',
      siteAddress: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' },
      submittedAt: new Date().toISOString(),
    };
    await updateItem(keys.user(applicant.userId), new Expr().set({ emailDomain: domain, freeMail: false, registration }).setIfMissing({ [ET]: IDENTITY_ENTITY.user }));
    const submitted = await call(applicant, 'POST', '/organization-reviews', {
      body: { name: 'Copies Co SAS', address: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' }, country: 'FR', serialNumber: 'CN-0F6G2K-74261' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(submitted.status, submitted.text).toBe(201);
    const { reviewId } = submitted.body as { reviewId: string };
    expect((await call(applicant, 'PATCH', '/account/profile', { body: { name: 'Renamed In Review' } })).status).toBe(200);

    const staff = await createTestUser({ staff: true });
    const decided = await api.call('POST', `/reviews/${reviewId}/decision`, { token: staff.tokens.accessToken, body: { decision: 'approve' } });
    expect(decided.status, decided.text).toBe(202);
    const orgId = orgIdFor(reviewId);
    const deadline = Date.now() + 20_000;
    while (!(await membershipItemOf(applicant.userId, orgId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await membershipItemOf(applicant.userId, orgId)).toMatchObject({ role: 'site_admin', userName: 'Renamed In Review', userEmail: applicant.email });
    const list = await call(applicant, 'GET', '/account/users');
    expect(list.body.members).toEqual([{ userId: applicant.userId, name: 'Renamed In Review', email: applicant.email, role: 'site_admin', joinedAt: expect.any(String), you: true }]);
  }, 40_000);
});

describe('the copies under races (repositories against DynamoDB Local)', () => {
  const loaded = async (userId: string) => (await dynamoPrincipalStore.load(userId)) as { profile: UserProfile; memberships: Membership[] };

  /** Runs `body` with `other` (a real concurrent write) run before every transaction the client sends; `other`'s count of runs. */
  async function beforeEveryTransaction<T>(other: () => Promise<unknown>, body: () => Promise<T>): Promise<{ result: T; runs: number }> {
    let runs = 0;
    const result = await beforeEachDynamoCommand('TransactWriteItemsCommand', () => (runs++, other()), body);
    return { result, runs };
  }

  /** An invited user, and the acceptInvitation write of their join with the copies read now (before `meanwhile`). */
  async function invitedJoin(meanwhile: (invitee: TestUser) => Promise<void> = async () => undefined) {
    const invitee = await createTestUser({ email: uniqueEmail(org.domains[0]), tier: 'basic' });
    await call(admin, 'POST', '/account/users/invitations', { body: { email: invitee.email, role: 'buyer' }, headers: { 'idempotency-key': randomUUID() } });
    const before = await loaded(invitee.userId);
    const invitation = await getInvitation(invitee.email, org.orgId);
    await meanwhile(invitee);
    const membership: Membership = {
      userId: invitee.userId,
      orgId: org.orgId,
      orgName: org.name,
      orgKind: org.kind,
      role: 'buyer',
      accessGroup: 'Enterprise customer',
      joinedAt: new Date().toISOString(),
      ...memberCopiesOf(before.profile),
    };
    const write = acceptInvitation({ sealer: await getSealer() });
    const join = () =>
      write({
        invitation: invitation as NonNullable<typeof invitation>,
        membership,
        email: { template: 'org_joined', locale: 'en', to: invitee.email, data: { name: 'Test User', orgName: org.name, role: 'buyer', accessGroup: 'Enterprise customer' } },
        now: new Date(),
      });
    return { invitee, join };
  }

  it('a rename whose principal predates a new membership updates that one too (the version condition, then a reload)', async () => {
    const user = await createTestUser({ org: { org, role: 'buyer' } });
    const stale = await loaded(user.userId);
    await directory.putMembership({ userId: user.userId, orgId: second.orgId, orgName: second.name, orgKind: second.kind, role: 'buyer', accessGroup: 'Enterprise customer', joinedAt: new Date().toISOString() });
    const { calls } = await countDynamoCalls(() => updateProfile(stale.profile, { name: 'Late Joiner' }, new Date(), stale.memberships));
    expect(calls).toEqual(['TransactWriteItemsCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expect((await membershipItemOf(user.userId, org.orgId))?.userName).toBe('Late Joiner');
    expect((await membershipItemOf(user.userId, second.orgId))?.userName).toBe('Late Joiner');
  });

  it('a rename whose memberships keep changing under it answers 409 account_busy after 3 tries and changes nothing', async () => {
    const user = await createTestUser({ org: { org, role: 'buyer' } });
    const before = await profileItem(user.userId);
    // A real concurrent writer: before every transaction, another membership change moves the profile's
    // memberships version on (a fault no request sequence can cause three times in a row on its own).
    const { result: res, runs: bumps } = await beforeEveryTransaction(
      () => updateItem(keys.user(user.userId), new Expr().add('membershipsVersion', 1)),
      () => call(user, 'PATCH', '/account/profile', { body: { name: 'Never Saved' } }),
    );
    expect(res.status, res.text).toBe(409);
    expect((res.body as { error: { code: string } }).error.code).toBe('account_busy');
    expect(bumps).toBe(3);
    expect((await profileItem(user.userId)).name).toBe(before.name);
    expect((await membershipItemOf(user.userId, org.orgId))?.userName).toBe(before.name);
  });

  it('a rename whose principal still lists a membership removed meanwhile skips it without recreating it', async () => {
    const user = await twoOrgMember();
    const stale = await loaded(user.userId);
    await removeMember(second.orgId, user.userId, true);
    await updateProfile(stale.profile, { name: 'Left Second' }, new Date(), stale.memberships);
    expect((await profileItem(user.userId)).name).toBe('Left Second');
    expect((await membershipItemOf(user.userId, org.orgId))?.userName).toBe('Left Second');
    expect(await membershipItemOf(user.userId, second.orgId)).toBeUndefined();
  });

  it('a join whose copies predate a rename writes the current name (the profile condition, then once more)', async () => {
    const { invitee, join } = await invitedJoin(async (invitee) => {
      expect((await call(invitee, 'PATCH', '/account/profile', { body: { name: 'Renamed Meanwhile' } })).status).toBe(200);
    });
    const { calls } = await countDynamoCalls(join);
    expect(calls).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    expect(await membershipItemOf(invitee.userId, org.orgId)).toMatchObject({ userName: 'Renamed Meanwhile', userEmail: invitee.email });
  });

  it('a join whose profile is renamed before every try answers 409 account_busy after 3 tries and writes no membership', async () => {
    const { invitee, join } = await invitedJoin();
    // A real concurrent writer: the invitee renames themselves before every try of the join's transaction.
    let renames = 0;
    await beforeEveryTransaction(
      () => updateItem(keys.user(invitee.userId), new Expr().set({ name: `Renamed ${++renames}` })),
      () => expect(join()).rejects.toMatchObject({ name: 'ConflictError', code: 'account_busy' }),
    );
    expect(renames).toBe(3);
    expect(await membershipItemOf(invitee.userId, org.orgId)).toBeUndefined();
    expect(await getInvitation(invitee.email, org.orgId)).toBeDefined();
  });

  it('more memberships than one transaction holds: the source and the first 98 copies together, the rest right after', async () => {
    const user = await createTestUser({ org: { org, role: 'buyer' } });
    for (let i = 0; i < 98; i++) {
      await directory.putMembership({ userId: user.userId, orgId: `org_many${String(i).padStart(3, '0')}`, orgName: 'Many', orgKind: 'customer', role: 'buyer', accessGroup: 'Enterprise customer', joinedAt: new Date().toISOString() });
    }
    const p = await loaded(user.userId);
    expect(p.memberships).toHaveLength(99);
    const { calls } = await countDynamoCalls(() => updateProfile(p.profile, { name: 'Many Hats' }, new Date(), p.memberships));
    expect(calls).toEqual(['TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    const after = await loaded(user.userId);
    expect(after.memberships.filter((m) => m.userName === 'Many Hats')).toHaveLength(99);
  }, 60_000);
});
