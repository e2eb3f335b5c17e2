import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { ET, Expr, getItem, strip, transact, txDelete, updateItem } from '#shared/adapters/dynamodb/commands.ts';
import { IDENTITY_ENTITY } from '#shared/adapters/dynamodb/entities/identity.ts';
import type { DomainReviewClaim } from '#shared/adapters/dynamodb/entities/reviews.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { dynamoPrincipalStore } from '#shared/adapters/dynamodb/repositories/principals.ts';
import { dynamoReviewStore, reviewOrgDirectory } from '#shared/adapters/dynamodb/repositories/reviews.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { backgroundFunctions } from '#shared/contracts/functions.ts';
import type { Relationship, Tier } from '#shared/domain/identity/model.ts';
import type { Review } from '#shared/domain/reviews/model.ts';
import type { ReviewStore } from '#shared/domain/reviews/ports.ts';
import { submitOrganization } from '#shared/domain/reviews/start-review.ts';
import { orgIdFor } from '#shared/domain/reviews/steps.ts';
import { submissionDeps } from '#shared/adapters/sfn/review-deps.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { defaultLoadHandler } from '#infra/local/server.ts';
import { type LocalWorkflows, startLocalWorkflows } from '#infra/local/workflows.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

const REVIEW_TEAM = 'reviews@portal.local';

let api: TestApi;
let engine: LocalWorkflows;
let store: ReviewStore;
let staff: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  // An engine in this worker too (the test stack runs one in its own process): work this worker's handlers
  // signal runs at once instead of at the next 2-second poll.
  engine = startLocalWorkflows({ everyMs: 500 });
  store = dynamoReviewStore({ sealer: await getSealer(), ids: systemIds, clock: systemClock });
  staff = await createTestUser({ staff: true });
});
afterAll(async () => {
  await engine.stop();
  await api.close();
});

const newDomain = () => `rv${randomUUID().replace(/-/g, '').slice(0, 10)}.example`;

/** Sets (replaces) these attributes of a user's profile, as an upsert. */
const updateProfile = (userId: string, attrs: Record<string, unknown>) =>
  updateItem(keys.user(userId), new Expr().set(attrs).setIfMissing({ [ET]: IDENTITY_ENTITY.user, userId }));

/** A verified user of `domain` who completed the ON-3 registration (what the lead's flow leaves on the profile). */
async function registeredUser(domain: string, opts: { relationship?: Relationship; tier?: Tier; freeMail?: boolean; registered?: boolean } = {}): Promise<TestUser> {
  const user = await createTestUser({ email: uniqueEmail(domain), tier: opts.tier ?? 'limited' });
  await updateProfile(user.userId, {
    emailDomain: domain,
    freeMail: opts.freeMail ?? false,
    ...(opts.registered === false
      ? {}
      : {
          registration: {
            relationship: opts.relationship ?? 'customer_employee',
            company: 'Reviewed Co',
            jobTitle: 'IT lead',
            phone: '+33612345678',
            country: 'FR',
            siteAddress: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' },
            submittedAt: new Date().toISOString(),
          },
        }),
  });
  return user;
}

const ORG_BODY = { name: 'Reviewed Co SAS', address: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' }, country: 'FR', serialNumber: 'CN-0F6G2K-74261' };
const UPGRADE_BODY = {
  phone: '+33612345678',
  preferredContact: 'phone',
  targetUrl: 'https://support.vendor.example/contracts',
  intent: 'Manage our service contracts',
  serviceTag: 'abc1234',
  companyName: 'Upgraded Co',
  equipmentSiteAddress: { line1: '2 rue B', city: 'Lyon', postalCode: '69002', country: 'FR' },
};

const submitOrg = (user: TestUser, body: unknown = ORG_BODY, key = randomUUID()) =>
  api.call('POST', '/organization-reviews', { token: user.tokens.accessToken, body, headers: { 'idempotency-key': key } });
const decide = (reviewId: string, body: unknown, token = staff.tokens.accessToken) => api.call('POST', `/reviews/${reviewId}/decision`, { token, body });

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The review once the workflow waits for a decision (its task token is stored). */
const waiting = (reviewId: string) =>
  until(`review ${reviewId} waiting`, async () => {
    const review = await store.get(reviewId);
    return review?.taskToken ? review : undefined;
  });
const claimOf = async (domain: string) => {
  const item = await getItem(keys.domainReviewClaim(domain));
  return item ? strip<DomainReviewClaim>(item) : undefined;
};

function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(ErrorBody.parse(res.body).error.code).toBe(code);
}

describe('an organization review, approved', () => {
  it('creates the org owning the domain, makes the applicant its site admin, and emails reviewers and applicant', async () => {
    const domain = newDomain();
    const user = await registeredUser(domain);

    const submitted = await submitOrg(user);
    expect(submitted.status, submitted.text).toBe(201);
    const { reviewId, reference, expectedBy } = submitted.body;
    expect(reference).toMatch(/^\d{8}$/);
    expect((await dynamoPrincipalStore.load(user.userId))?.profile.pendingReview).toEqual({ reviewId, reference, kind: 'organization', expectedBy });
    expect(await claimOf(domain)).toMatchObject({ reviewId, userId: user.userId });
    await waitForMail(user.email, (m) => m.subject.includes(reference));
    const staffMail = await waitForMail(REVIEW_TEAM, (m) => m.subject.includes(`New review waiting: ${reference}`));
    expect(staffMail.body.text).toContain(user.email);

    const queue = await api.call('GET', '/reviews?kind=organization&limit=100', { token: staff.tokens.accessToken });
    expect(queue.status).toBe(200);
    const listed = queue.body.items.find((r: { reviewId: string }) => r.reviewId === reviewId);
    expect(listed).toMatchObject({ reference, status: 'pending', dueBy: expectedBy, overdue: false, organization: { domain, name: 'Reviewed Co SAS' } });
    expect(listed.ageHours).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(queue.body)).not.toContain('taskToken');

    await waiting(reviewId);
    const decided = await decide(reviewId, { decision: 'approve', reason: 'Checked the company register' });
    expect(decided.status, decided.text).toBe(202);
    expect(decided.body).toMatchObject({ status: 'decided', decision: { decision: 'approve', decidedBy: { userId: staff.userId } } });

    await waitForMail(user.email, (m) => m.subject.includes('Reviewed Co SAS is set up'));
    const orgId = orgIdFor(reviewId);
    expect(await reviewOrgDirectory.getOrg(orgId)).toMatchObject({ name: 'Reviewed Co SAS', kind: 'customer', domains: [domain] });
    expect(await directory.domainOwners([domain])).toEqual([{ domain, owners: [expect.objectContaining({ orgId, orgName: 'Reviewed Co SAS' })] }]);
    expect(await claimOf(domain)).toBeUndefined();
    const loaded = await dynamoPrincipalStore.load(user.userId);
    expect(loaded?.profile).toMatchObject({ tier: 'enterprise', primaryOrgId: orgId });
    expect(loaded?.profile.pendingReview).toBeUndefined();
    expect(loaded?.memberships).toEqual([expect.objectContaining({ orgId, role: 'site_admin', orgKind: 'customer' })]);
    expect(await store.get(reviewId)).toMatchObject({ status: 'approved', outcome: { result: 'approved', orgId, tier: 'enterprise' } });

    const me = await api.call('GET', '/me', { token: user.tokens.accessToken });
    expect(me.body).toMatchObject({ tier: 'enterprise', memberships: [expect.objectContaining({ orgId, role: 'site_admin', active: true })] });
  });

  it('makes a prospective partner the site admin of a partner org with the partner tier', async () => {
    const domain = newDomain();
    const user = await registeredUser(domain, { relationship: 'prospective_partner' });
    const { reviewId } = (await submitOrg(user)).body;
    await waiting(reviewId);
    expect((await decide(reviewId, { decision: 'approve' })).status).toBe(202);
    await until('approval applied', async () => (await store.get(reviewId))?.status === 'approved');
    expect((await reviewOrgDirectory.getOrg(orgIdFor(reviewId)))?.kind).toBe('partner');
    expect((await dynamoPrincipalStore.load(user.userId))?.profile.tier).toBe('partner');
  });
});

describe('an organization review, rejected', () => {
  it('stores and emails the reason, keeps the tier and releases the domain for a new request', async () => {
    const domain = newDomain();
    const user = await registeredUser(domain);
    const { reviewId, reference } = (await submitOrg(user)).body;
    // Decided before the workflow waits: the wait step finds the decision and goes on.
    const decided = await decide(reviewId, { decision: 'reject', reason: 'We could not find this company in the register' });
    expect(decided.status).toBe(202);

    const mail = await waitForMail(user.email, (m) => m.subject.includes(`${reference} was not approved`));
    expect(mail.body.text).toContain('We could not find this company in the register');
    expect(await store.get(reviewId)).toMatchObject({ status: 'rejected', outcome: { result: 'rejected', reason: 'We could not find this company in the register' } });
    const loaded = await dynamoPrincipalStore.load(user.userId);
    expect(loaded?.profile.tier).toBe('limited');
    expect(loaded?.profile.pendingReview).toBeUndefined();
    expect(loaded?.memberships).toEqual([]);
    expect(await claimOf(domain)).toBeUndefined();

    const colleague = await registeredUser(domain);
    expect((await submitOrg(colleague)).status).toBe(201);
  });
});

describe('deciding', () => {
  it('answers 409 to a second decision, whatever it says', async () => {
    const user = await registeredUser(newDomain());
    const { reviewId } = (await submitOrg(user)).body;
    expect((await decide(reviewId, { decision: 'approve' })).status).toBe(202);
    expectError(await decide(reviewId, { decision: 'reject', reason: 'too late' }), 409, 'review_already_decided');
    expectError(await decide(reviewId, { decision: 'approve' }), 409, 'review_already_decided');
  });

  it('answers 404 for an unknown review', async () => {
    expectError(await decide('rev_0000000000000000000000000z', { decision: 'approve' }), 404, 'review_not_found');
  });

  it('refuses a rejection without a reason and unknown fields (400)', async () => {
    const res = await decide('rev_0000000000000000000000000z', { decision: 'reject' });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.param).toBe('body.reason');
    expectError(await decide('rev_0000000000000000000000000z', { decision: 'approve', orgId: 'org_forged0001' }), 400, 'unknown_field');
  });

  it('keeps the staff queue and decisions to vendor staff (403 for anyone else)', async () => {
    const user = await registeredUser(newDomain());
    const { reviewId } = (await submitOrg(user)).body;
    expectError(await api.call('GET', '/reviews', { token: user.tokens.accessToken }), 403, 'staff_only');
    expectError(await decide(reviewId, { decision: 'approve' }, user.tokens.accessToken), 403, 'staff_only');
    expect((await store.get(reviewId))?.status).toBe('pending');
  });

  it('pages the queue with a signed cursor that only its owner can use', async () => {
    for (let i = 0; i < 2; i++) await submitOrg(await registeredUser(newDomain()));
    const first = await api.call('GET', '/reviews?limit=1', { token: staff.tokens.accessToken });
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.call('GET', `/reviews?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: staff.tokens.accessToken });
    expect(second.status).toBe(200);
    expect(second.body.items[0].submittedAt >= first.body.items[0].submittedAt).toBe(true);
    const otherStaff = await createTestUser({ staff: true });
    expectError(await api.call('GET', `/reviews?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: otherStaff.tokens.accessToken }), 400, 'invalid_cursor');
    expectError(await api.call('GET', `/reviews?limit=1&kind=upgrade&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: staff.tokens.accessToken }), 400, 'invalid_cursor');
  });
});

describe('submitting', () => {
  it('lets exactly one of two concurrent requests for one new domain win; the other gets 409 domain_review_pending', async () => {
    const domain = newDomain();
    const [a, b] = await Promise.all([registeredUser(domain), registeredUser(domain)]);
    const results = await Promise.all([submitOrg(a as TestUser), submitOrg(b as TestUser)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expectError(results.find((r) => r.status === 409) as { status: number; body: unknown }, 409, 'domain_review_pending');
  });

  it('draws a new reference when the one drawn exists already (a conditional put keeps references unique)', async () => {
    const taken = (await submitOrg(await registeredUser(newDomain()))).body.reference as string;
    const user = await registeredUser(newDomain());
    const drawn = [taken, '87654321'];
    const deps = await submissionDeps();
    const applicant = (await dynamoPrincipalStore.load(user.userId)) as NonNullable<Awaited<ReturnType<typeof dynamoPrincipalStore.load>>>;
    const receipt = await submitOrganization(ORG_BODY, applicant, { ...deps, nextReference: () => drawn.shift() ?? '99999999' });
    expect(receipt.reference).toBe('87654321');
  });

  it('answers 409 domain_claimed for a domain an org owns already', async () => {
    const org = await createTestOrg();
    const user = await registeredUser(org.domains[0] as string);
    expectError(await submitOrg(user), 409, 'domain_claimed');
  });

  it('answers 409 review_pending to a second request of the same user, and replays a retried one', async () => {
    const user = await registeredUser(newDomain());
    const key = randomUUID();
    const first = await submitOrg(user, ORG_BODY, key);
    const retried = await submitOrg(user, ORG_BODY, key);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(first.body);
    expectError(await submitOrg(user), 409, 'review_pending');
  });

  it('refuses free-mail (403), unregistered (422) and member (409) applicants, and a missing Idempotency-Key (400)', async () => {
    expectError(await submitOrg(await registeredUser(newDomain(), { freeMail: true })), 403, 'free_mail_domain');
    expectError(await submitOrg(await registeredUser(newDomain(), { registered: false })), 422, 'registration_required');
    const org = await createTestOrg();
    const member = await createTestUser({ org: { org, role: 'buyer' } });
    await updateProfile(member.userId, { emailDomain: newDomain(), registration: { relationship: 'customer_employee', company: 'X', jobTitle: 'Y', phone: '+33612345678', country: 'FR', siteAddress: ORG_BODY.address, submittedAt: new Date().toISOString() } });
    expectError(await submitOrg(member), 409, 'already_member');
    const user = await registeredUser(newDomain());
    const res = await api.call('POST', '/organization-reviews', { token: user.tokens.accessToken, body: ORG_BODY });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.param).toBe('header.idempotency-key');
  });
});

describe('the timers (reminder after 2 business days, expiry after 14 days)', () => {
  it('reminds the reviewers once, then expires the review, tells the applicant and frees the domain', async () => {
    const domain = newDomain();
    const user = await registeredUser(domain);
    const { reviewId, reference } = (await submitOrg(user)).body;
    const review = await waiting(reviewId);
    const later = (iso: string) => new Date(Date.parse(iso) + 1000);

    expect(await engine.tick({ now: later(review.dueBy), executionIds: [reviewId] })).toBe(1);
    await waitForMail(REVIEW_TEAM, (m) => m.subject === `Overdue review: ${reference}`);
    expect((await store.get(reviewId))?.remindedAt).toBeDefined();
    // Still waiting for a decision after the reminder.
    expect(await until('second wait', async () => (await store.get(reviewId))?.taskToken !== review.taskToken)).toBe(true);
    expect((await store.get(reviewId))?.status).toBe('pending');

    expect(await engine.tick({ now: later(review.expiresAt), executionIds: [reviewId] })).toBe(1);
    await waitForMail(user.email, (m) => m.subject.includes(`${reference} has expired`));
    expect(await store.get(reviewId)).toMatchObject({ status: 'expired', outcome: { result: 'expired' } });
    expect((await dynamoPrincipalStore.load(user.userId))?.profile.pendingReview).toBeUndefined();
    expect(await claimOf(domain)).toBeUndefined();
    expectError(await decide(reviewId, { decision: 'approve' }), 409, 'review_expired');
    const queue = await api.call('GET', '/reviews?kind=organization&limit=100', { token: staff.tokens.accessToken });
    expect(queue.body.items.map((r: { reviewId: string }) => r.reviewId)).not.toContain(reviewId);
  });

  it('fires nothing before its time', async () => {
    const user = await registeredUser(newDomain());
    const { reviewId } = (await submitOrg(user)).body;
    const review = await waiting(reviewId);
    expect(await engine.tick({ now: new Date(Date.parse(review.dueBy) - 60_000), executionIds: [reviewId] })).toBe(0);
    expect((await store.get(reviewId))?.remindedAt).toBeUndefined();
  });
});

describe('an account upgrade (ON-6)', () => {
  const upgrade = (user: TestUser, body: unknown = UPGRADE_BODY) =>
    api.call('POST', '/upgrade-requests', { token: user.tokens.accessToken, body, headers: { 'idempotency-key': randomUUID() } });

  it('answers an 8-digit service request number at once, emails it, and on approval makes an Enterprise site admin of a new company org', async () => {
    const domain = newDomain();
    const user = await registeredUser(domain, { registered: false });
    const res = await upgrade(user);
    expect(res.status, res.text).toBe(201);
    expect(res.body.serviceRequestNumber).toMatch(/^\d{8}$/);
    expect(res.body.serviceRequestNumber).toBe(res.body.reference);
    const mail = await waitForMail(user.email, (m) => m.subject === `Service request ${res.body.serviceRequestNumber} received`);
    expect(mail.body.text).toContain(res.body.serviceRequestNumber);
    const stored = await store.get(res.body.reviewId);
    expect(stored?.upgrade).toMatchObject({ serviceTag: 'ABC1234', preferredContact: 'phone', companyName: 'Upgraded Co' });

    expect((await decide(res.body.reviewId, { decision: 'approve' })).status).toBe(202);
    await waitForMail(user.email, (m) => m.subject === 'Your Enterprise access is active');
    const loaded = await dynamoPrincipalStore.load(user.userId);
    expect(loaded?.profile.tier).toBe('enterprise');
    expect(loaded?.memberships).toEqual([expect.objectContaining({ orgName: 'Upgraded Co', role: 'site_admin' })]);
    expect(await directory.domainOwners([domain])).toEqual([{ domain, owners: [expect.objectContaining({ orgId: orgIdFor(res.body.reviewId), orgName: 'Upgraded Co' })] }]);
  });

  it('refuses a request without a service tag or serial number, or with a non-https URL (400)', async () => {
    const user = await registeredUser(newDomain());
    const { serviceTag: _omit, ...withoutProduct } = UPGRADE_BODY;
    const res = await upgrade(user, withoutProduct);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.param).toBe('body.serviceTag');
    const http = await upgrade(user, { ...UPGRADE_BODY, targetUrl: 'http://support.vendor.example/' });
    expect(http.status).toBe(400);
    expect(ErrorBody.parse(http.body).error.param).toBe('body.targetUrl');
  });

  it('answers 409 review_exists to a key reused after its record expired, when its request exists already; nothing written', async () => {
    const user = await registeredUser(newDomain(), { registered: false });
    const key = randomUUID();
    const send = () => api.call('POST', '/upgrade-requests', { token: user.tokens.accessToken, body: UPGRADE_BODY, headers: { 'idempotency-key': key } });
    const first = await send();
    expect(first.status, first.text).toBe(201);
    // A day later: the idempotency record is gone (TTL) and the request was decided (no pending review).
    const record = keys.idempotency(`-#${user.userId}#requestAccountUpgrade`, key);
    expect(await getItem(record)).toBeDefined();
    await transact([txDelete(record)]);
    await updateItem(keys.user(user.userId), new Expr().remove('pendingReview'));
    expectError(await send(), 409, 'review_exists');
    expect(await getItem(record)).toBeUndefined();
    expect((await getItem(keys.user(user.userId)))?.pendingReview).toBeUndefined();
    expect(await store.get(first.body.reviewId)).toMatchObject({ reference: first.body.reference });
  });

  it('refuses Enterprise accounts (403 tier_forbidden) and free-mail accounts (403 free_mail_domain)', async () => {
    expectError(await upgrade(await registeredUser(newDomain(), { tier: 'enterprise' })), 403, 'tier_forbidden');
    expectError(await upgrade(await registeredUser('gmail.com', { freeMail: true, tier: 'basic' })), 403, 'free_mail_domain');
  });
});

describe('the sample events of the workflow steps (events/review-*.json)', () => {
  const steps = backgroundFunctions.filter((f) => f.trigger === 'workflow');

  it.each(steps.map((s) => [s.handler, s] as const))('%s accepts its sample event (its review does not exist here)', async (handlerId) => {
    const file = join(import.meta.dirname, '..', '..', 'events', `review-${handlerId.split('/')[1]}.json`);
    const event = JSON.parse(await readFile(file, 'utf8')) as unknown;
    const handler = (await defaultLoadHandler(handlerId)) as unknown as (e: unknown) => Promise<unknown>;
    // Past the event check, the step looks the review up: a sample that failed the check would throw StepEventError.
    await expect(handler(event)).rejects.toThrow(/review rev_\w+ does not exist/);
    await expect(handler({ ...(event as object), unexpected: 1 })).rejects.toThrow(/Unexpected step event field/);
  });
});

describe('DynamoDB round trips per request (principal read + one read or one transaction)', () => {
  // Measured with this worker's engine stopped, so only the request's own calls are counted. The local
  // workflow adapter's start and sendDecision are one write each: what StartExecution and SendTaskSuccess
  // are in AWS, where they are no DynamoDB calls at all.
  beforeAll(() => engine.stop());

  it('submitOrganizationForReview: 1 query + the domain owners (one batch) + 1 transaction (+ the local StartExecution stand-in)', async () => {
    const user = await registeredUser(newDomain());
    const { calls, result } = await countDynamoCalls(() => submitOrg(user));
    expect(result.status).toBe(201);
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand', 'PutItemCommand']);
  });

  it('requestAccountUpgrade: 1 query + 1 transaction (+ the local StartExecution stand-in)', async () => {
    const user = await registeredUser(newDomain());
    const { calls, result } = await countDynamoCalls(() =>
      api.call('POST', '/upgrade-requests', { token: user.tokens.accessToken, body: UPGRADE_BODY, headers: { 'idempotency-key': randomUUID() } }),
    );
    expect(result.status).toBe(201);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand', 'PutItemCommand']);
  });

  it('listReviews: 1 query for the principal + 1 query of the queue', async () => {
    const { calls } = await countDynamoCalls(() => api.call('GET', '/reviews?kind=upgrade', { token: staff.tokens.accessToken }));
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it('decideReview: 1 query + 1 conditional update (+ the local SendTaskSuccess stand-in)', async () => {
    const user = await registeredUser(newDomain());
    const { reviewId } = (await submitOrg(user)).body;
    await waiting(reviewId); // the test stack's engine advances it
    const { calls, result } = await countDynamoCalls(() => decide(reviewId, { decision: 'reject', reason: 'counting calls' }));
    expect(result.status).toBe(202);
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand', 'UpdateItemCommand']);
  });
});
