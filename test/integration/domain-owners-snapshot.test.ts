import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Expr, getItem, updateItem } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { DomainOwnersSnapshot } from '#shared/domain/onboarding/domain-owners.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { recordDynamoCalls } from '#test/support/dynamo-calls.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type TestUser, createTestOrg, createTestUser, decodeClaims, signIn, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';
import { REGISTRATION_DETAILS, STRONG_PASSWORD, codeFromMailbox, signUpAndVerify } from '#test/support/onboarding.ts';

/**
 * The domain owners snapshot (docs/data-model.md, "The domain's owners travel with the user as a hint"):
 * sign-up reads the owners of the address's domain in its one read, verification puts them on the profile,
 * and registration, org choice and organization reviews decide from them with P1 + one transaction whose
 * ConditionChecks prove them current. A stale or missing snapshot falls back to reading P2, with exactly the
 * answers the read gives.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const newDomain = () => `sn${randomUUID().replace(/-/g, '').slice(0, 10)}.example`;
const REVIEW_BODY = { name: 'Snapshot Co SAS', address: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' }, country: 'FR', serialNumber: 'CN-0F6G2K-74261' };

/** A user who signed up through the API (the sign-up took the snapshot), verified and signed in. */
async function signedUp(email: string): Promise<TestUser> {
  const tokens = await signUpAndVerify(api, email);
  return { userId: decodeClaims(tokens.accessToken).sub as string, email, password: STRONG_PASSWORD, tokens };
}

/** The DynamoDB commands one request sends (the local workflow stand-in's WORKFLOW# writes left out). */
async function callsOf(send: () => Promise<{ status: number; body: any; text: string }>) {
  const { result, calls } = await recordDynamoCalls(send);
  return { res: result, calls: calls.filter((c) => !c.pk?.startsWith('WORKFLOW#')).map((c) => c.command.replace(/Command$/, '')) };
}

const register = (user: TestUser, body: unknown = REGISTRATION_DETAILS) => api.call('POST', '/onboarding/registration', { token: user.tokens.accessToken, body });
const choose = (user: TestUser, orgId: string) => api.call('POST', '/onboarding/organization-choice', { token: user.tokens.accessToken, body: { orgId } });
const submitReview = (user: TestUser) =>
  api.call('POST', '/organization-reviews', { token: user.tokens.accessToken, body: REVIEW_BODY, headers: { 'idempotency-key': randomUUID() } });

/** Another org owning `north`'s domain too (a co-owner item beside it in P2), named `name`. */
async function coOwner(north: Org, letter: string, name: string) {
  const other = { ...north, orgId: `org_${letter}${randomUUID().replace(/-/g, '').slice(0, 14)}`, name };
  await directory.addDomainOwner(north.domains[0] as string, other);
  return other;
}
/** Agency North and Agency South sharing North's domain. */
async function sharedDomain() {
  const north = await createTestOrg({ name: 'Agency North' });
  return { north, south: await coOwner(north, 's', 'Agency South') };
}
const snapshotOnProfile = async (userId: string) => (await getItem(keys.user(userId)))?.domainOwners as DomainOwnersSnapshot | undefined;
const ownerIds = (s: DomainOwnersSnapshot | undefined) => s?.found.flatMap((f) => f.owners.map((o) => o.orgId)).sort();

const FAST = ['Query', 'TransactWriteItems'];
/** The snapshot's transaction refused, the owners read (P2), the decision written. */
const STALE_THEN_READ = ['Query', 'TransactWriteItems', 'BatchGetItem', 'TransactWriteItems'];

describe('the snapshot taken at sign-up', () => {
  it('reaches the profile with the owners of the domain and its parents, and registration joins from it in 2 calls', async () => {
    const org = await createTestOrg({ defaultRole: 'shopper' });
    const user = await signedUp(uniqueEmail(`eu.${org.domains[0]}`));
    const snapshot = await snapshotOnProfile(user.userId);
    expect(snapshot).toMatchObject({ domain: `eu.${org.domains[0]}`, found: [{ domain: org.domains[0], owners: [expect.objectContaining({ orgId: org.orgId, defaultRole: 'shopper' })] }] });

    const { res, calls } = await callsOf(() => register(user));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'joined', organization: { orgId: org.orgId, orgName: org.name, role: 'shopper', accessGroup: 'Enterprise customer' } });
    expect(calls).toEqual(FAST);
    const me = (await api.call('GET', '/me', { token: user.tokens.accessToken })).body;
    expect(me.memberships).toEqual([expect.objectContaining({ orgId: org.orgId, role: 'shopper' })]);
    expect(JSON.stringify(me)).not.toContain('domainOwners');
  });

  it('is refreshed by a resend (the same one read), so ownership that changed before verification is seen', async () => {
    const domain = newDomain();
    const email = uniqueEmail(domain);
    expect((await api.call('POST', '/signup', { body: { email, password: STRONG_PASSWORD, name: 'New User', locale: 'en' } })).status).toBe(202);
    expect(((await getItem(keys.signup(email)))?.domainOwners as DomainOwnersSnapshot).found).toEqual([]);
    const org = await createTestOrg({ domains: [domain] });
    await codeFromMailbox(email);
    const since = Math.floor(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 1100));
    const { res: resent, calls: resendCalls } = await callsOf(() => api.call('POST', '/signup/resend', { body: { email } }));
    expect(resent.status).toBe(202);
    expect(resendCalls).toEqual(['BatchGetItem', 'TransactWriteItems']);
    expect(ownerIds((await getItem(keys.signup(email)))?.domainOwners as DomainOwnersSnapshot)).toEqual([org.orgId]);

    const resentMail = await waitForMail(email, (m) => m.at > since && /\b\d{6}\b/.test(m.body.text ?? ''));
    const code = /\b(\d{6})\b/.exec(resentMail.body.text ?? '')?.[1] as string;
    expect((await api.call('POST', '/signup/verify', { body: { email, code } })).status).toBe(200);
    const tokens = await signIn(email, STRONG_PASSWORD);
    const user = { userId: decodeClaims(tokens.accessToken).sub as string, email, password: STRONG_PASSWORD, tokens };
    const { res, calls } = await callsOf(() => register(user));
    expect(res.body).toMatchObject({ status: 'joined', organization: { orgId: org.orgId } });
    expect(calls).toEqual(FAST);
  });

  it('keeps none for a free-mail address', async () => {
    const user = await signedUp(uniqueEmail('gmail.com'));
    expect(await snapshotOnProfile(user.userId)).toBeUndefined();
  });
});

describe('registration and org choice', () => {
  it('saves an unknown domain from the snapshot in 2 calls (organization_unknown), conditional on the domain still having no owner', async () => {
    const user = await signedUp(uniqueEmail(newDomain()));
    const { res, calls } = await callsOf(() => register(user));
    expect(res.body).toEqual({ status: 'organization_unknown' });
    expect(calls).toEqual(FAST);
  });

  it('falls back to reading the owners when an org claimed the domain after sign-up, and joins it as without a snapshot', async () => {
    const domain = newDomain();
    const user = await signedUp(uniqueEmail(domain));
    expect((await snapshotOnProfile(user.userId))?.found).toEqual([]);
    const org = await createTestOrg({ domains: [domain], defaultRole: 'finance' });

    const { res, calls } = await callsOf(() => register(user));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ status: 'joined', organization: { orgId: org.orgId, orgName: org.name, role: 'finance', accessGroup: 'Enterprise customer' } });
    expect(calls).toEqual(STALE_THEN_READ);
    // The read became the profile's new snapshot.
    expect(ownerIds(await snapshotOnProfile(user.userId))).toEqual([org.orgId]);
  });

  it('falls back when a parent domain got an owner: the longest registered suffix still wins as before', async () => {
    const parent = newDomain();
    const user = await signedUp(uniqueEmail(`lab.${parent}`));
    const org = await createTestOrg({ domains: [parent] });
    const { res, calls } = await callsOf(() => register(user));
    expect(res.body).toMatchObject({ status: 'joined', organization: { orgId: org.orgId } });
    expect(calls).toEqual(STALE_THEN_READ);
  });

  it('offers the owners of a shared domain and joins the chosen one from the snapshot, 2 calls each', async () => {
    const { north, south } = await sharedDomain();
    const user = await signedUp(uniqueEmail(north.domains[0]));

    const registered = await callsOf(() => register(user));
    expect(registered.res.body.status).toBe('choose_organization');
    expect(registered.calls).toEqual(FAST);
    const chosen = await callsOf(() => choose(user, south.orgId));
    expect(chosen.res.body).toMatchObject({ status: 'joined', organization: { orgId: south.orgId, orgName: 'Agency South' } });
    expect(chosen.calls).toEqual(FAST);
  });

  it('lets a user choose an org that became a co-owner after sign-up (a refusal from the snapshot is checked by a read)', async () => {
    const { north } = await sharedDomain();
    const user = await signedUp(uniqueEmail(north.domains[0]));
    expect((await register(user)).body.status).toBe('choose_organization');
    const west = await coOwner(north, 'w', 'Agency West');

    const { res, calls } = await callsOf(() => choose(user, west.orgId));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'joined', organization: { orgId: west.orgId, orgName: 'Agency West' } });
    // The snapshot does not list West: the read decides (and the join writes it as the new snapshot).
    expect(calls).toEqual(['Query', 'BatchGetItem', 'TransactWriteItems']);
  });

  it('joins a candidate of a stale snapshot only after the read confirms it (owner list changed: transaction refused)', async () => {
    const { north, south } = await sharedDomain();
    const user = await signedUp(uniqueEmail(north.domains[0]));
    expect((await register(user)).body.status).toBe('choose_organization');
    await coOwner(north, 'e', 'Agency East');

    const { res, calls } = await callsOf(() => choose(user, south.orgId));
    expect(res.body).toMatchObject({ status: 'joined', organization: { orgId: south.orgId } });
    expect(calls).toEqual(STALE_THEN_READ);
  });

  it('answers a non-candidate exactly as without a snapshot (404 after the read)', async () => {
    const { north } = await sharedDomain();
    const other = await createTestOrg();
    const withSnapshot = await signedUp(uniqueEmail(north.domains[0]));
    const without = await createTestUser({ email: uniqueEmail(north.domains[0]) });
    for (const u of [withSnapshot, without]) expect((await register(u)).body.status).toBe('choose_organization');

    const a = await callsOf(() => choose(withSnapshot, other.orgId));
    const b = await callsOf(() => choose(without, other.orgId));
    expect(a.res.status).toBe(404);
    expect(a.res.body).toEqual(b.res.body);
    expect(ErrorBody.parse(a.res.body).error.code).toBe('org_not_found');
    expect(a.calls).toEqual(['Query', 'BatchGetItem']);
  });

  it('works for a profile without a snapshot (3 calls), and stores the read so the next step is fast', async () => {
    const { north, south } = await sharedDomain();
    const user = await createTestUser({ email: uniqueEmail(north.domains[0]) });
    expect(await snapshotOnProfile(user.userId)).toBeUndefined();

    const registered = await callsOf(() => register(user));
    expect(registered.res.body.status).toBe('choose_organization');
    expect(registered.calls).toEqual(['Query', 'BatchGetItem', 'UpdateItem']);
    expect(ownerIds(await snapshotOnProfile(user.userId))).toEqual([north.orgId, south.orgId].sort());

    const chosen = await callsOf(() => choose(user, north.orgId));
    expect(chosen.res.body).toMatchObject({ status: 'joined', organization: { orgId: north.orgId } });
    expect(chosen.calls).toEqual(FAST);
  });
});

describe('organization reviews', () => {
  it('submits from the snapshot in 2 calls, reserving the domain', async () => {
    const domain = newDomain();
    const user = await signedUp(uniqueEmail(domain));
    expect((await register(user)).body).toEqual({ status: 'organization_unknown' });
    const { res, calls } = await callsOf(() => submitReview(user));
    expect(res.status, res.text).toBe(201);
    expect(calls).toEqual(FAST);
    expect((await getItem(keys.domainReviewClaim(domain)))?.reviewId).toBe(res.body.reviewId);
  });

  it('answers 409 domain_claimed, after the read, when a joinable org claimed the domain after sign-up', async () => {
    const domain = newDomain();
    const user = await signedUp(uniqueEmail(domain));
    expect((await register(user)).body).toEqual({ status: 'organization_unknown' });
    await createTestOrg({ domains: [domain] });

    const { res, calls } = await callsOf(() => submitReview(user));
    expect(res.status, res.text).toBe(409);
    expect(ErrorBody.parse(res.body).error.code).toBe('domain_claimed');
    expect(calls).toEqual(['Query', 'TransactWriteItems', 'BatchGetItem']);
    expect(await getItem(keys.domainReviewClaim(domain))).toBeUndefined();
    expect((await api.call('GET', '/onboarding/status', { token: user.tokens.accessToken })).body.pendingReview).toBeUndefined();
  });

  it('still submits, after the read, when the new owner is one the applicant could not join (a partner org)', async () => {
    const domain = newDomain();
    const user = await signedUp(uniqueEmail(domain));
    expect((await register(user)).body).toEqual({ status: 'organization_unknown' });
    const partner = await createTestOrg({ domains: [domain], kind: 'partner' });

    const { res, calls } = await callsOf(() => submitReview(user));
    expect(res.status, res.text).toBe(201);
    expect(calls).toEqual(STALE_THEN_READ);
    expect(ownerIds(await snapshotOnProfile(user.userId))).toEqual([partner.orgId]);
  });

  it('submits from a snapshot listing only owners the applicant cannot join, in 2 calls', async () => {
    const org = await createTestOrg();
    const user = await signedUp(uniqueEmail(org.domains[0]));
    // A prospective partner is never matched: they apply, and the customer org owning the domain stays as it is.
    expect((await register(user, { ...REGISTRATION_DETAILS, relationship: 'prospective_partner' })).body).toEqual({ status: 'organization_unknown' });
    const { res, calls } = await callsOf(() => submitReview(user));
    expect(res.status, res.text).toBe(201);
    expect(calls).toEqual(FAST);
  });

  it('answers 409 domain_claimed for a snapshot listing a joinable owner only once a read confirms it', async () => {
    const org = await createTestOrg();
    const user = await signedUp(uniqueEmail(org.domains[0]));
    expect((await register(user, { ...REGISTRATION_DETAILS, relationship: 'prospective_partner' })).body).toEqual({ status: 'organization_unknown' });
    // Now a customer employee (as if their registration said so): the owner in the snapshot is one they can join.
    await updateItem(keys.user(user.userId), new Expr().set({ 'registration.relationship': 'customer_employee' }).exists('userId'));
    const { res, calls } = await callsOf(() => submitReview(user));
    expect(res.status, res.text).toBe(409);
    expect(ErrorBody.parse(res.body).error.code).toBe('domain_claimed');
    expect(calls).toEqual(['Query', 'BatchGetItem']);
  });
});

describe('changing the email address', () => {
  it('drops the snapshot of the old domain; registration then reads the new domain owners', async () => {
    const user = await signedUp(uniqueEmail(newDomain()));
    expect(await snapshotOnProfile(user.userId)).toBeDefined();
    const org = await createTestOrg();
    const newEmail = uniqueEmail(org.domains[0]);
    expect((await api.call('POST', '/me/email-change', { token: user.tokens.accessToken, body: { newEmail } })).status).toBe(202);
    const confirmed = await callsOf(async () => api.call('POST', '/me/email-change/confirm', { token: user.tokens.accessToken, body: { code: await codeFromMailbox(newEmail) } }));
    expect(confirmed.res.status, confirmed.res.text).toBe(200);
    expect(confirmed.calls).toEqual(['Query', 'UpdateItem', 'TransactWriteItems']);
    expect(await snapshotOnProfile(user.userId)).toBeUndefined();

    const tokens = await signIn(newEmail, STRONG_PASSWORD);
    const { res, calls } = await callsOf(() => register({ ...user, email: newEmail, tokens }));
    expect(res.body).toMatchObject({ status: 'joined', organization: { orgId: org.orgId } });
    expect(calls).toEqual(['Query', 'BatchGetItem', 'TransactWriteItems']);
  });
});
