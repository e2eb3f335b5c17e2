import { beforeEach, describe, expect, it } from 'vitest';
import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, PreconditionError, UnavailableError, ValidationError } from '#shared/domain/errors.ts';
import type { DomainOwner, Membership, Org, PendingReview, UserProfile } from '#shared/domain/identity/model.ts';
import { decideReview, listPendingReviews } from '#shared/domain/reviews/decide-review.ts';
import type { Review, ReviewExecutionInput } from '#shared/domain/reviews/model.ts';
import { type ApplyDeps, type CompletionPlan, ReferenceTakenError, type ReviewStore, type SubmissionPlan } from '#shared/domain/reviews/ports.ts';
import { type ApplicantContext, requestUpgrade, startReview, submitOrganization } from '#shared/domain/reviews/start-review.ts';
import { applyDecision, awaitDecision, expireReview, notifyReviewers, orgIdFor, remindReviewers } from '#shared/domain/reviews/steps.ts';
import { LOCALES, renderEmailUnchecked } from '#shared/domain/email/templates/index.ts';
import { idempotencyContext } from '#shared/domain/shared/idempotency.ts';

// ---------------------------------------------------------------------------------------------------------
// In-memory ports: the same contract as the DynamoDB store, conditions included (the integration tests run
// the real one).

const NOW = new Date('2026-03-06T10:00:00.000Z'); // a Friday

class MemoryStore implements ReviewStore {
  reviews = new Map<string, Review>();
  references = new Set<string>();
  claims = new Map<string, string>();
  /** The directory's domain items: the store's conditions read them too. */
  owners = new Map<string, DomainOwner[]>();
  pending = new Map<string, PendingReview>();
  completions: CompletionPlan[] = [];
  emails: EmailRequest[] = [];
  idempotent = new Map<string, { status: number; body: unknown }>();
  /** Reference numbers to reject as taken, in order. */
  takenReferences = new Set<string>();

  async submit(plan: SubmissionPlan, ctx: Parameters<ReviewStore['submit']>[1], response: { status: number; body: unknown }) {
    if (ctx && this.idempotent.has(ctx.key)) return { replayed: true, response: this.idempotent.get(ctx.key) as { status: number; body: unknown } };
    const r = plan.review;
    if (plan.domainClaim?.suffixOwners.some((s) => (this.owners.get(s.domain)?.length ?? 0) !== s.owners)) throw new ConflictError('domain_claimed', 'owners changed');
    if (this.pending.has(r.applicant.userId)) throw new ConflictError('review_pending', 'pending');
    if (plan.domainClaim && this.claims.has(plan.domainClaim.domain)) throw new ConflictError('domain_review_pending', 'claimed');
    if (this.references.has(r.reference) || this.takenReferences.has(r.reference)) throw new ReferenceTakenError(r.reference);
    this.reviews.set(r.reviewId, structuredClone(r));
    this.references.add(r.reference);
    this.pending.set(r.applicant.userId, plan.pendingReview);
    if (plan.domainClaim) this.claims.set(plan.domainClaim.domain, r.reviewId);
    this.emails.push(...plan.emails);
    if (ctx) this.idempotent.set(ctx.key, response);
    return { replayed: false, response };
  }
  async get(id: string) {
    const r = this.reviews.get(id);
    return r && structuredClone(r);
  }
  async listPending(q: { kind?: string | undefined; limit: number }) {
    const all = [...this.reviews.values()].filter((r) => r.status === 'pending' && (!q.kind || r.kind === q.kind));
    all.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
    return { reviews: all.slice(0, q.limit), lastKey: all.length > q.limit ? { after: all[q.limit - 1]?.reviewId } : undefined };
  }
  async recordDecision(id: string, decision: Review['decision'] & object) {
    const r = this.reviews.get(id);
    if (!r) throw new NotFoundError('review_not_found', 'missing');
    if (r.status === 'expired') throw new ConflictError('review_expired', 'expired');
    if (r.status !== 'pending') throw new ConflictError('review_already_decided', 'decided');
    if (r.applicant.userId === decision.decidedBy.userId) throw new ForbiddenError('own_review', 'own');
    Object.assign(r, { status: 'decided', decision });
    return structuredClone(r);
  }
  async storeTaskToken(id: string, taskToken: string) {
    const r = this.reviews.get(id);
    if (!r) return undefined;
    r.taskToken = taskToken;
    return structuredClone(r);
  }
  async markNotified(id: string, at: string, email: EmailRequest | undefined) {
    return this.mark(id, 'notifiedAt', at, email);
  }
  async markReminded(id: string, at: string, email: EmailRequest | undefined) {
    return this.mark(id, 'remindedAt', at, email);
  }
  private mark(id: string, field: 'notifiedAt' | 'remindedAt', at: string, email: EmailRequest | undefined) {
    const r = this.reviews.get(id);
    if (!r || r[field]) return false;
    r[field] = at;
    if (email) this.emails.push(email);
    return true;
  }
  async complete(plan: CompletionPlan) {
    const r = this.reviews.get(plan.reviewId);
    if (!r || r.status !== plan.from) return 'already_completed' as const;
    Object.assign(r, { status: plan.status, outcome: plan.outcome, taskToken: undefined });
    this.pending.delete(plan.applicant.userId);
    if (plan.releaseDomain) this.claims.delete(plan.releaseDomain);
    this.completions.push(plan);
    this.emails.push(plan.email);
    return 'completed' as const;
  }
}

interface Harness {
  deps: ApplyDeps;
  store: MemoryStore;
  started: ReviewExecutionInput[];
  sent: { taskToken: string; decision: string }[];
  orgs: Map<string, Org>;
  enabled: string[];
  memberships: Map<string, Membership[]>;
  profiles: Map<string, UserProfile>;
  failStart: boolean;
  failSend: boolean;
}

function harness(): Harness {
  const store = new MemoryStore();
  let ref = 10_000_000;
  const h: Harness = {
    store,
    started: [],
    sent: [],
    orgs: new Map(),
    enabled: [],
    memberships: new Map(),
    profiles: new Map(),
    failStart: false,
    failSend: false,
    deps: undefined as unknown as ApplyDeps,
  };
  h.deps = {
    store,
    workflow: {
      async start(input) {
        if (h.failStart) throw new Error('sfn down');
        h.started.push(input);
        return { executionId: input.reviewId };
      },
      async sendDecision(taskToken, output) {
        if (h.failSend) throw new Error('sfn down');
        h.sent.push({ taskToken, decision: output.decision });
      },
    },
    clock: { now: () => NOW },
    ids: { next: (p) => `${p}_01jtestid0000000000000000` },
    nextReference: () => String(++ref),
    reviewTeamEmail: 'reviews@vendor.example',
    orgs: {
      async domainOwners(domains) {
        return domains.filter((d) => store.owners.has(d)).map((domain) => ({ domain, owners: structuredClone(store.owners.get(domain) ?? []) }));
      },
      async createOrg(org) {
        if (h.orgs.has(org.orgId) || org.domains.some((d) => store.owners.has(d))) throw new ConflictError('domain_claimed', 'taken');
        h.orgs.set(org.orgId, org);
        for (const d of org.domains) store.owners.set(d, [ownerOf(org)]);
      },
      async addDomainOwner(domain, org) {
        if (h.orgs.has(org.orgId) || !store.owners.has(domain)) throw new ConflictError('domain_not_claimed', 'not owned');
        h.orgs.set(org.orgId, org);
        store.owners.get(domain)?.push(ownerOf(org));
      },
      async getOrg(orgId) {
        return h.orgs.get(orgId);
      },
    },
    principals: {
      async load(userId) {
        const profile = h.profiles.get(userId);
        return profile ? { profile, memberships: h.memberships.get(userId) ?? [] } : undefined;
      },
    },
    identity: {
      async enable(email) {
        h.enabled.push(email);
      },
    },
  };
  return h;
}

const ownerOf = (org: Pick<Org, 'orgId' | 'name' | 'kind' | 'defaultRole'>): DomainOwner => ({ orgId: org.orgId, orgName: org.name, kind: org.kind, defaultRole: org.defaultRole });
const anOrg = (orgId: string, kind: Org['kind']) => ownerOf({ orgId, name: `Org ${orgId}`, kind, defaultRole: 'buyer' });

function applicant(over: Partial<UserProfile> = {}, memberships: Membership[] = []): ApplicantContext {
  const profile: UserProfile = {
    userId: 'user-1',
    email: 'ana@newco.example',
    name: 'Ana',
    locale: 'fr',
    emailVerified: true,
    status: 'active',
    tier: 'limited',
    emailDomain: 'newco.example',
    freeMail: false,
    registration: {
      relationship: 'customer_employee',
      company: 'NewCo',
      jobTitle: 'IT lead',
      phone: '+33612345678',
      country: 'FR',
      siteAddress: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' },
      submittedAt: NOW.toISOString(),
    },
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...over,
  };
  return { profile, memberships };
}

const ORG_INPUT = { name: 'NewCo SAS', address: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' }, country: 'FR', serviceTag: 'ABC1234' };
const UPGRADE_INPUT = {
  phone: '+33612345678',
  preferredContact: 'email' as const,
  targetUrl: 'https://support.vendor.example/contracts',
  intent: 'Renew our service contracts',
  serialNumber: 'CN-0F6G2K-74261',
  companyName: 'NewCo SAS',
  equipmentSiteAddress: { line1: '2 rue B', city: 'Lyon', postalCode: '69002', country: 'FR' },
};
const staff = { userId: 'staff-1', email: 'staff@vendor.example' };

async function expectDomainError(p: Promise<unknown>, type: new (...a: never[]) => DomainError, code: string) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  expect((err as DomainError).code).toBe(code);
}

let h: Harness;
beforeEach(() => {
  h = harness();
});

// ---------------------------------------------------------------------------------------------------------

describe('submitting an organization for review', () => {
  it('reserves the verified domain, marks the profile pending, acknowledges by email and starts the workflow', async () => {
    const receipt = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    expect(receipt).toMatchObject({ kind: 'organization', status: 'pending', submittedAt: NOW.toISOString(), expectedBy: '2026-03-10T10:00:00.000Z' });
    expect(receipt.reference).toMatch(/^\d{8}$/);
    const review = h.store.reviews.get(receipt.reviewId) as Review;
    expect(review.organization).toMatchObject({ name: 'NewCo SAS', domain: 'newco.example', orgKind: 'customer', serviceTag: 'ABC1234' });
    expect(review.expiresAt).toBe('2026-03-20T10:00:00.000Z');
    expect(h.store.claims.get('newco.example')).toBe(receipt.reviewId);
    expect(h.store.pending.get('user-1')).toEqual({ reviewId: receipt.reviewId, reference: receipt.reference, kind: 'organization', expectedBy: receipt.expectedBy });
    expect(h.store.emails).toEqual([
      { template: 'review_received', locale: 'fr', to: 'ana@newco.example', data: { name: 'Ana', reference: receipt.reference, expectedBy: receipt.expectedBy, kind: 'organization' } },
    ]);
    expect(h.started).toEqual([{ reviewId: receipt.reviewId, remindAt: receipt.expectedBy, expiresAt: review.expiresAt }]);
  });

  it('answers 409 domain_claimed when an org the applicant could join owns the domain or a parent domain', async () => {
    h.store.owners.set('bigcorp.example', [anOrg('org_bigcorp0001', 'customer')]);
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ emailDomain: 'fr.bigcorp.example' }), h.deps), ConflictError, 'domain_claimed');
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ emailDomain: 'bigcorp.example' }), h.deps), ConflictError, 'domain_claimed');
    expect(h.store.reviews.size).toBe(0);
  });

  it('accepts applicants whom only orgs they cannot join own the domain for, conditional on those owners', async () => {
    h.store.owners.set('bigcorp.example', [anOrg('org_bigcorp0001', 'customer')]);
    const base = applicant().profile.registration as NonNullable<UserProfile['registration']>;
    const receipt = await submitOrganization(ORG_INPUT, applicant({ emailDomain: 'bigcorp.example', registration: { ...base, relationship: 'prospective_partner' } }), h.deps);
    expect(h.store.claims.get('bigcorp.example')).toBe(receipt.reviewId);
    h.store.owners.set('partners.example', [anOrg('org_partner0001', 'partner')]);
    await submitOrganization(ORG_INPUT, applicant({ userId: 'user-2', emailDomain: 'partners.example' }), h.deps);
    expect(h.store.claims.size).toBe(2);
  });

  it('answers 409 domain_claimed when the owners change between its read and its write', async () => {
    const read = h.deps.orgs.domainOwners;
    h.deps.orgs.domainOwners = async (d) => {
      const found = await read(d);
      h.store.owners.set('newco.example', [anOrg('org_newco00001', 'partner')]);
      return found;
    };
    await expectDomainError(submitOrganization(ORG_INPUT, applicant(), h.deps), ConflictError, 'domain_claimed');
  });

  it('makes a partner org for partner employees and prospective partners', async () => {
    for (const [i, relationship] of (['partner_employee', 'prospective_partner'] as const).entries()) {
      const base = applicant().profile;
      const receipt = await submitOrganization(ORG_INPUT, applicant({ userId: `p${i}`, emailDomain: `p${i}.example`, registration: { ...(base.registration as NonNullable<UserProfile['registration']>), relationship } }), h.deps);
      expect(h.store.reviews.get(receipt.reviewId)?.organization?.orgKind).toBe('partner');
    }
  });

  it('refuses free-mail accounts with 403 free_mail_domain', async () => {
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ freeMail: true }), h.deps), ForbiddenError, 'free_mail_domain');
  });

  it('refuses an unregistered user with 422 registration_required', async () => {
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ registration: undefined }), h.deps), PreconditionError, 'registration_required');
  });

  it('refuses a profile without a verified email domain with 422 email_domain_unknown', async () => {
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ emailDomain: undefined }), h.deps), PreconditionError, 'email_domain_unknown');
  });

  it('refuses a member of an org with 409 already_member', async () => {
    const m: Membership = { userId: 'user-1', orgId: 'org_x12345678', orgName: 'X', orgKind: 'customer', role: 'buyer', accessGroup: 'Enterprise customer', joinedAt: NOW.toISOString() };
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({}, [m]), h.deps), ConflictError, 'already_member');
  });

  it('refuses a second request while one is pending with 409 review_pending', async () => {
    const pendingReview = { reviewId: 'rev_x', reference: '12345678', kind: 'upgrade' as const, expectedBy: NOW.toISOString() };
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ pendingReview }), h.deps), ConflictError, 'review_pending');
  });

  it('gives the second applicant for one new domain 409 domain_review_pending', async () => {
    await submitOrganization(ORG_INPUT, applicant(), h.deps);
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ userId: 'user-2', email: 'bo@newco.example' }), h.deps), ConflictError, 'domain_review_pending');
  });

  it('derives the review id from the Idempotency-Key, and a replay starts the same execution again', async () => {
    const ctx = idempotencyContext({ operationId: 'submitOrganizationForReview', userId: 'user-1', key: 'k-1', request: ORG_INPUT });
    const first = await submitOrganization(ORG_INPUT, applicant(), h.deps, ctx);
    const again = await submitOrganization(ORG_INPUT, applicant(), h.deps, ctx);
    expect(again).toEqual(first);
    expect(first.reviewId).toMatch(/^rev_[0-9a-z]{20}$/);
    expect(h.started).toHaveLength(2);
    expect(h.started[1]).toEqual(h.started[0]);
  });

  it('replays a retry whose first attempt left the profile pending, but refuses another key with 409 review_pending', async () => {
    const ctx = idempotencyContext({ operationId: 'submitOrganizationForReview', userId: 'user-1', key: 'k-2', request: ORG_INPUT });
    const first = await submitOrganization(ORG_INPUT, applicant(), h.deps, ctx);
    const pendingReview = h.store.pending.get('user-1');
    expect(await submitOrganization(ORG_INPUT, applicant({ pendingReview }), h.deps, ctx)).toEqual(first);
    const other = idempotencyContext({ operationId: 'submitOrganizationForReview', userId: 'user-1', key: 'k-3', request: ORG_INPUT });
    await expectDomainError(submitOrganization(ORG_INPUT, applicant({ pendingReview }), h.deps, other), ConflictError, 'review_pending');
  });

  it('draws another reference when the first is taken, up to three times', async () => {
    h.store.takenReferences = new Set(['10000001', '10000002']);
    const receipt = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    expect(receipt.reference).toBe('10000003');
    const h2 = harness();
    h2.store.takenReferences = new Set(['10000001', '10000002', '10000003']);
    await expect(submitOrganization(ORG_INPUT, applicant(), h2.deps)).rejects.toBeInstanceOf(ReferenceTakenError);
  });

  it('answers 503 review_workflow_unavailable when the workflow does not start, with the review kept', async () => {
    h.failStart = true;
    await expectDomainError(submitOrganization(ORG_INPUT, applicant(), h.deps), UnavailableError, 'review_workflow_unavailable');
    expect(h.store.reviews.size).toBe(1);
  });
});

describe('the emails of a review', () => {
  it('all render in every locale with the data the use cases give them (none would be a poison outbox message)', async () => {
    const org = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    await notifyReviewers({ reviewId: org.reviewId, remindAt: org.expectedBy, enteredAt: NOW.toISOString() }, h.deps);
    await remindReviewers({ reviewId: org.reviewId, expiresAt: NOW.toISOString(), enteredAt: NOW.toISOString() }, h.deps);
    await decideReview(org.reviewId, { decision: 'reject', reason: 'Unknown company' }, staff, h.deps);
    await applyDecision({ reviewId: org.reviewId }, h.deps);
    const up = await requestUpgrade(UPGRADE_INPUT, applicant({ userId: 'user-2', registration: undefined }), h.deps);
    h.profiles.set('user-2', applicant({ userId: 'user-2' }).profile);
    await decideReview(up.reviewId, { decision: 'approve' }, staff, h.deps);
    await applyDecision({ reviewId: up.reviewId }, h.deps);
    const re = await startReview('reactivation', {}, applicant({ userId: 'user-3', status: 'cancelled' }), h.deps);
    await expireReview({ reviewId: re.reviewId }, h.deps);
    const templates = new Set(h.store.emails.map((e) => e.template));
    expect([...templates].sort()).toEqual(
      ['reactivation_requested', 'review_approved', 'review_expired', 'review_rejected', 'review_reminder_staff', 'review_request_staff', 'review_received', 'upgrade_requested'].sort(),
    );
    for (const email of h.store.emails) {
      for (const locale of LOCALES) {
        expect(() => renderEmailUnchecked(email.template, locale, email.data), `${email.template} in ${locale}`).not.toThrow();
      }
    }
  });
});

describe('requesting an account upgrade (ON-6)', () => {
  it('returns the 8-digit service request number at once and emails it', async () => {
    const receipt = await requestUpgrade(UPGRADE_INPUT, applicant({ registration: undefined }), h.deps);
    expect(receipt.reference).toMatch(/^\d{8}$/);
    expect(h.store.emails).toEqual([{ template: 'upgrade_requested', locale: 'fr', to: 'ana@newco.example', data: { name: 'Ana', serviceRequestNumber: receipt.reference } }]);
    expect(h.store.reviews.get(receipt.reviewId)?.upgrade).toEqual(UPGRADE_INPUT);
    expect(h.store.claims.size).toBe(0);
  });

  it('refuses free-mail accounts and accounts that are already Enterprise or Partner', async () => {
    await expectDomainError(requestUpgrade(UPGRADE_INPUT, applicant({ freeMail: true }), h.deps), ForbiddenError, 'free_mail_domain');
    await expectDomainError(requestUpgrade(UPGRADE_INPUT, applicant({ tier: 'enterprise' }), h.deps), ConflictError, 'already_upgraded');
    await expectDomainError(requestUpgrade(UPGRADE_INPUT, applicant({ tier: 'partner' }), h.deps), ConflictError, 'already_upgraded');
  });
});

describe('starting a reactivation review (BI-5 hook)', () => {
  it('accepts a cancelled account, names its org in the emails and acknowledges with reactivation_requested', async () => {
    const m: Membership = { userId: 'user-1', orgId: 'org_acme00001', orgName: 'Acme', orgKind: 'customer', role: 'site_admin', accessGroup: 'Enterprise customer', joinedAt: NOW.toISOString() };
    const receipt = await startReview('reactivation', { note: 'paid plan' }, applicant({ status: 'cancelled', primaryOrgId: 'org_acme00001' }, [m]), h.deps);
    expect(h.store.reviews.get(receipt.reviewId)?.reactivation).toEqual({ orgName: 'Acme', note: 'paid plan' });
    expect(h.store.emails[0]).toMatchObject({ template: 'reactivation_requested', data: { name: 'Ana', reference: receipt.reference } });
  });

  it('refuses an active account with 422 account_not_cancelled', async () => {
    await expectDomainError(startReview('reactivation', {}, applicant(), h.deps), PreconditionError, 'account_not_cancelled');
  });
});

describe('deciding a review', () => {
  async function pendingReview(over: Partial<UserProfile> = {}) {
    const receipt = await submitOrganization(ORG_INPUT, applicant(over), h.deps);
    return receipt.reviewId;
  }

  it('needs a reason to reject (400 reason_required), also when it is only blanks', async () => {
    const id = await pendingReview();
    await expectDomainError(decideReview(id, { decision: 'reject' }, staff, h.deps), ValidationError, 'reason_required');
    await expectDomainError(decideReview(id, { decision: 'reject', reason: '   ' }, staff, h.deps), ValidationError, 'reason_required');
  });

  it('stores the decision and completes the waiting task with its token', async () => {
    const id = await pendingReview();
    await h.store.storeTaskToken(id, 'tok-1');
    const { review, signalled } = await decideReview(id, { decision: 'approve', reason: ' looks legit ' }, staff, h.deps);
    expect(signalled).toBe(true);
    expect(review.status).toBe('decided');
    expect(review.decision).toEqual({ decision: 'approve', reason: 'looks legit', decidedBy: staff, decidedAt: NOW.toISOString() });
    expect(h.sent).toEqual([{ taskToken: 'tok-1', decision: 'approve' }]);
    expect(review).not.toHaveProperty('taskToken');
  });

  it('starts the workflow (idempotently) when no task waits yet', async () => {
    const id = await pendingReview();
    h.started.length = 0;
    await decideReview(id, { decision: 'reject', reason: 'not a company' }, staff, h.deps);
    expect(h.started.map((s) => s.reviewId)).toEqual([id]);
  });

  it('keeps the decision when the workflow cannot be signalled, and says so', async () => {
    const id = await pendingReview();
    await h.store.storeTaskToken(id, 'tok-1');
    h.failSend = true;
    const { review, signalled } = await decideReview(id, { decision: 'approve' }, staff, h.deps);
    expect(signalled).toBe(false);
    expect(review.status).toBe('decided');
  });

  it('passes on the store refusals: 404 unknown, 409 decided twice, 403 own request', async () => {
    await expectDomainError(decideReview('rev_unknown00000000000000', { decision: 'approve' }, staff, h.deps), NotFoundError, 'review_not_found');
    const id = await pendingReview();
    await expectDomainError(decideReview(id, { decision: 'approve' }, { userId: 'user-1', email: 'ana@newco.example' }, h.deps), ForbiddenError, 'own_review');
    await decideReview(id, { decision: 'approve' }, staff, h.deps);
    await expectDomainError(decideReview(id, { decision: 'reject', reason: 'changed my mind' }, staff, h.deps), ConflictError, 'review_already_decided');
  });

  it('lists pending reviews oldest first with age, due time and overdue flag, without workflow internals', async () => {
    const id = await pendingReview();
    await h.store.storeTaskToken(id, 'secret-token');
    const later = { ...h.deps, clock: { now: () => new Date('2026-03-10T12:00:00.000Z') } };
    const { items } = await listPendingReviews({ limit: 10 }, later);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ reviewId: id, ageHours: 98, overdue: true, dueBy: '2026-03-10T10:00:00.000Z' });
    expect(JSON.stringify(items)).not.toContain('secret-token');
  });
});

describe('the workflow steps', () => {
  async function decided(decision: 'approve' | 'reject', over: Partial<UserProfile> = {}, reason?: string) {
    const receipt = await submitOrganization(ORG_INPUT, applicant(over), h.deps);
    await decideReview(receipt.reviewId, { decision, reason }, staff, h.deps);
    return receipt.reviewId;
  }

  it('notifies the review team once, in English, and waits until the reminder time', async () => {
    const { reviewId, expectedBy } = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    const enteredAt = '2026-03-06T10:00:05.000Z';
    const out = await notifyReviewers({ reviewId, remindAt: expectedBy, enteredAt }, h.deps);
    expect(out.remindInSeconds).toBe((Date.parse(expectedBy) - Date.parse(enteredAt)) / 1000);
    await notifyReviewers({ reviewId, remindAt: expectedBy, enteredAt }, h.deps);
    const staffMails = h.store.emails.filter((e) => e.to === 'reviews@vendor.example');
    expect(staffMails).toEqual([
      {
        template: 'review_request_staff',
        locale: 'en',
        to: 'reviews@vendor.example',
        data: { reference: expect.stringMatching(/^\d{8}$/), kind: 'organization', applicantEmail: 'ana@newco.example', orgName: 'NewCo SAS', ageHours: 0, dueBy: expectedBy },
      },
    ]);
  });

  it('does not notify or remind about a review decided already', async () => {
    const id = await decided('approve');
    await notifyReviewers({ reviewId: id, remindAt: NOW.toISOString(), enteredAt: NOW.toISOString() }, h.deps);
    await remindReviewers({ reviewId: id, expiresAt: NOW.toISOString(), enteredAt: NOW.toISOString() }, h.deps);
    expect(h.store.emails.filter((e) => e.to === 'reviews@vendor.example')).toEqual([]);
  });

  it('reminds the review team once and waits until expiry (at least one second)', async () => {
    const { reviewId } = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    const out = await remindReviewers({ reviewId, expiresAt: '2026-03-20T10:00:00.000Z', enteredAt: '2026-03-10T10:00:00.000Z' }, h.deps);
    expect(out.expireInSeconds).toBe(10 * 24 * 3600);
    await remindReviewers({ reviewId, expiresAt: '2026-03-20T10:00:00.000Z', enteredAt: '2026-03-21T00:00:00.000Z' }, h.deps);
    expect(h.store.emails.filter((e) => e.template === 'review_reminder_staff')).toHaveLength(1);
    expect((await remindReviewers({ reviewId, expiresAt: '2026-03-20T10:00:00.000Z', enteredAt: '2026-03-21T00:00:00.000Z' }, h.deps)).expireInSeconds).toBe(1);
  });

  it('fails a step for a review that does not exist (the failed-execution alarm fires)', async () => {
    await expect(notifyReviewers({ reviewId: 'rev_missing', remindAt: NOW.toISOString(), enteredAt: NOW.toISOString() }, h.deps)).rejects.toThrow(/does not exist/);
    await expect(awaitDecision({ reviewId: 'rev_missing', taskToken: 't' }, h.deps)).rejects.toThrow(/does not exist/);
  });

  it('stores the task token while pending, and completes it at once when the decision came first', async () => {
    const { reviewId } = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    await awaitDecision({ reviewId, taskToken: 'tok-a' }, h.deps);
    expect(h.sent).toEqual([]);
    expect(h.store.reviews.get(reviewId)?.taskToken).toBe('tok-a');
    h.failSend = true; // the reviewer's signal is lost...
    await decideReview(reviewId, { decision: 'reject', reason: 'unknown company' }, staff, h.deps);
    h.failSend = false;
    await awaitDecision({ reviewId, taskToken: 'tok-b' }, h.deps); // ...the next wait picks the decision up
    expect(h.sent).toEqual([{ taskToken: 'tok-b', decision: 'reject' }]);
  });

  it('applies a rejection: reason stored and emailed, domain released, tier unchanged', async () => {
    const id = await decided('reject', {}, 'We could not verify the company');
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'rejected' });
    const plan = h.store.completions[0] as CompletionPlan;
    expect(plan).toMatchObject({ status: 'rejected', releaseDomain: 'newco.example', applicant: { userId: 'user-1' }, outcome: { result: 'rejected', reason: 'We could not verify the company' } });
    expect(plan.applicant.tier).toBeUndefined();
    expect(plan.email).toMatchObject({ template: 'review_rejected', locale: 'fr', data: { reason: 'We could not verify the company', kind: 'organization' } });
    expect(h.store.claims.size).toBe(0);
  });

  it('applies an organization approval: org owning the domain, applicant site admin, tier and primary org set', async () => {
    const id = await decided('approve');
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'approved' });
    const org = h.orgs.get(orgIdFor(id)) as Org;
    expect(org).toMatchObject({ name: 'NewCo SAS', kind: 'customer', country: 'FR', domains: ['newco.example'] });
    const plan = h.store.completions[0] as CompletionPlan;
    expect(plan.applicant).toEqual({ userId: 'user-1', tier: 'enterprise', primaryOrgId: org.orgId });
    expect(plan.membership).toMatchObject({ userId: 'user-1', orgId: org.orgId, role: 'site_admin', orgKind: 'customer', accessGroup: 'Enterprise customer' });
    expect(plan.email).toMatchObject({ template: 'review_approved', data: { orgName: 'NewCo SAS', kind: 'organization' } });
  });

  it('gives a partner the partner tier and a partner org', async () => {
    const base = applicant().profile.registration as NonNullable<UserProfile['registration']>;
    const id = await decided('approve', { registration: { ...base, relationship: 'prospective_partner' } });
    await applyDecision({ reviewId: id }, h.deps);
    expect(h.orgs.get(orgIdFor(id))?.kind).toBe('partner');
    expect(h.store.completions[0]?.applicant.tier).toBe('partner');
    expect(h.store.completions[0]?.membership?.accessGroup).toBe('Partner');
  });

  it('turns an approval into an automatic rejection when an org the applicant can join registered the domain meanwhile', async () => {
    const id = await decided('approve');
    h.store.owners.set('newco.example', [anOrg('org_newco00001', 'customer')]);
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'rejected' });
    expect(h.store.completions[0]).toMatchObject({ status: 'rejected', outcome: { automatic: true, reason: expect.stringContaining('newco.example') } });
    expect(h.orgs.size).toBe(0);
  });

  it('makes the approved org a further owner of a domain owned by orgs the applicant cannot join', async () => {
    const base = applicant().profile.registration as NonNullable<UserProfile['registration']>;
    const id = await decided('approve', { registration: { ...base, relationship: 'prospective_partner' } });
    h.store.owners.set('newco.example', [anOrg('org_newco00001', 'customer')]);
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'approved' });
    expect(h.store.owners.get('newco.example')?.map((o) => [o.orgId, o.kind])).toEqual([
      ['org_newco00001', 'customer'],
      [orgIdFor(id), 'partner'],
    ]);
  });

  it('fails the step (to be retried) when the domain changes between its read and its write', async () => {
    const id = await decided('approve');
    const read = h.deps.orgs.domainOwners;
    h.deps.orgs.domainOwners = async (d) => {
      const found = await read(d);
      h.store.owners.set('newco.example', [anOrg('org_other00001', 'partner')]);
      return found;
    };
    await expect(applyDecision({ reviewId: id }, h.deps)).rejects.toBeInstanceOf(ConflictError);
    h.deps.orgs.domainOwners = read;
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'approved' });
  });

  it('finishes an approval whose org a previous attempt created (a retried step)', async () => {
    const id = await decided('approve');
    await h.deps.orgs.createOrg({ orgId: orgIdFor(id), name: 'NewCo SAS', kind: 'customer', country: 'FR', domains: ['newco.example'], defaultRole: 'buyer', ssoEnabled: false, createdAt: NOW.toISOString() });
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'approved' });
  });

  it('does nothing for a review applied already, and refuses to apply a review without a decision', async () => {
    const id = await decided('reject', {}, 'no');
    await applyDecision({ reviewId: id }, h.deps);
    expect(await applyDecision({ reviewId: id }, h.deps)).toEqual({ status: 'rejected' });
    expect(h.store.completions).toHaveLength(1);
    const { reviewId } = await submitOrganization(ORG_INPUT, applicant({ userId: 'user-2', emailDomain: 'other.example' }), h.deps);
    await expect(applyDecision({ reviewId }, h.deps)).rejects.toThrow(/no decision/);
  });

  describe('approving an upgrade', () => {
    async function decidedUpgrade(memberships: Membership[] = [], over: Partial<UserProfile> = {}) {
      const ctx = applicant({ registration: undefined, ...over }, memberships);
      h.profiles.set('user-1', ctx.profile);
      h.memberships.set('user-1', memberships);
      const { reviewId } = await requestUpgrade(UPGRADE_INPUT, ctx, h.deps);
      await decideReview(reviewId, { decision: 'approve' }, staff, h.deps);
      return reviewId;
    }

    it('creates the company org with the applicant as site admin when they have none', async () => {
      const id = await decidedUpgrade();
      await applyDecision({ reviewId: id }, h.deps);
      expect(h.orgs.get(orgIdFor(id))).toMatchObject({ name: 'NewCo SAS', kind: 'customer', domains: ['newco.example'], country: 'FR' });
      expect(h.store.completions[0]).toMatchObject({ status: 'approved', applicant: { tier: 'enterprise', primaryOrgId: orgIdFor(id) }, membership: { role: 'site_admin' } });
    });

    it('only sets the tier for a member of an org', async () => {
      const m: Membership = { userId: 'user-1', orgId: 'org_acme00001', orgName: 'Acme', orgKind: 'customer', role: 'buyer', accessGroup: 'Enterprise customer', joinedAt: NOW.toISOString() };
      const id = await decidedUpgrade([m]);
      await applyDecision({ reviewId: id }, h.deps);
      expect(h.orgs.size).toBe(0);
      expect(h.store.completions[0]).toMatchObject({ applicant: { tier: 'enterprise' }, email: { data: { orgName: 'Acme' } } });
      expect(h.store.completions[0]?.membership).toBeUndefined();
    });

    it('only sets the tier when a customer org owns the email domain by then', async () => {
      const id = await decidedUpgrade();
      h.store.owners.set('newco.example', [anOrg('org_newco00001', 'customer')]);
      await applyDecision({ reviewId: id }, h.deps);
      expect(h.store.completions[0]).toMatchObject({ status: 'approved', applicant: { tier: 'enterprise' }, email: { data: { orgName: 'NewCo SAS' } } });
      expect(h.store.completions[0]?.membership).toBeUndefined();
      expect(h.store.completions[0]?.applicant.primaryOrgId).toBeUndefined();
    });

    it('fails when the applicant has no profile any more', async () => {
      const id = await decidedUpgrade();
      h.profiles.clear();
      await expect(applyDecision({ reviewId: id }, h.deps)).rejects.toThrow(/no profile/);
    });
  });

  it('reactivates an approved account in Cognito and in its profile', async () => {
    const { reviewId } = await startReview('reactivation', {}, applicant({ status: 'cancelled' }), h.deps);
    await decideReview(reviewId, { decision: 'approve' }, staff, h.deps);
    await applyDecision({ reviewId }, h.deps);
    expect(h.enabled).toEqual(['ana@newco.example']);
    expect(h.store.completions[0]).toMatchObject({ applicant: { userId: 'user-1', reactivate: true }, email: { template: 'review_approved', data: { orgName: 'Ana', kind: 'reactivation' } } });
  });

  it('expires a pending review: applicant told, domain released, profile freed', async () => {
    const { reviewId } = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    expect(await expireReview({ reviewId }, h.deps)).toEqual({ status: 'expired' });
    expect(h.store.completions[0]).toMatchObject({ from: 'pending', status: 'expired', releaseDomain: 'newco.example', email: { template: 'review_expired', data: { kind: 'organization' } } });
    expect(h.store.pending.size).toBe(0);
    expect(h.store.claims.size).toBe(0);
    expect(await expireReview({ reviewId }, h.deps)).toEqual({ status: 'expired' });
    expect(h.store.completions).toHaveLength(1);
  });

  it('applies a decision stored just before the expiry instead of expiring', async () => {
    const id = await decided('approve');
    expect(await expireReview({ reviewId: id }, h.deps)).toEqual({ status: 'approved' });
  });

  it('applies the decision when it wins the race against the expiry write', async () => {
    const { reviewId } = await submitOrganization(ORG_INPUT, applicant(), h.deps);
    const complete = h.store.complete.bind(h.store);
    let first = true;
    h.store.complete = async (plan) => {
      if (first && plan.status === 'expired') {
        first = false;
        await h.store.recordDecision(reviewId, { decision: 'reject', reason: 'late but decided', decidedBy: staff, decidedAt: NOW.toISOString() });
      }
      return complete(plan);
    };
    expect(await expireReview({ reviewId }, h.deps)).toEqual({ status: 'rejected' });
  });
});
