import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { ConflictError, ForbiddenError, PreconditionError, UnavailableError } from '#shared/domain/errors.ts';
import type { Membership, PostalAddress, UserProfile } from '#shared/domain/identity/model.ts';
import { type DomainOwnersSnapshot, type OwnersBasis, type OwnersBySuffix, StaleOwnersError, withDomainOwners } from '#shared/domain/onboarding/domain-owners.ts';
import { domainSuffixes } from '#shared/domain/onboarding/email-domains.ts';
import { type IdempotencyContext, idempotentEntityId } from '#shared/domain/shared/idempotency.ts';
import { reviewDeadlines } from './business-days.ts';
import { joinableOwners } from './domains.ts';
import {
  type Applicant,
  type ReactivationDetails,
  type Review,
  type ReviewExecutionInput,
  type ReviewKind,
  type ReviewReceipt,
  type UpgradeDetails,
  orgKindFor,
} from './model.ts';
import { ReferenceTakenError, type SubmissionDeps, type SubmissionPlan } from './ports.ts';

/** Who is asking: the principal of the request (profile and memberships as loaded for it). */
export interface ApplicantContext {
  profile: UserProfile;
  memberships: readonly Membership[];
}

/** ON-4: what the applicant says about the organization; its domain and kind come from their profile. */
export interface OrganizationInput {
  name: string;
  address: PostalAddress;
  country: string;
  serviceTag?: string | undefined;
  serialNumber?: string | undefined;
}

export interface ReactivationInput {
  /** @default the name of the applicant's primary org, else their own name */
  orgName?: string | undefined;
  note?: string | undefined;
}

export interface DetailsByKind {
  organization: OrganizationInput;
  upgrade: UpgradeDetails;
  reactivation: ReactivationInput;
}

/** Reference numbers are drawn at random from 90 million; a collision is retried this many times in all. */
const REFERENCE_ATTEMPTS = 3;

/**
 * Starts a manual review of any kind: checks that the applicant may ask for it (from the loaded principal,
 * no extra read; for an organization, the domain's owners from the applicant's snapshot, read only when
 * there is none or it no longer holds), writes the review, its unique reference, the applicant's `pendingReview`, the domain
 * reservation (organization) and the acknowledgement email in ONE transaction (with the idempotency record
 * when given), then starts the workflow, which notifies the review team.
 *
 * The billing issue calls it with `'reactivation'` for paid accounts (BI-5).
 */
export async function startReview<K extends ReviewKind>(
  kind: K,
  details: DetailsByKind[K],
  applicant: ApplicantContext,
  deps: SubmissionDeps,
  opts: { idempotency?: IdempotencyContext | undefined } = {},
): Promise<ReviewReceipt> {
  const { profile } = applicant;
  const reviewId = opts.idempotency ? idempotentEntityId('rev', opts.idempotency) : deps.ids.next('rev');
  // A retry of this very request (same Idempotency-Key) finds its own review pending: it must replay the
  // first answer, not be refused for the state that answer created.
  const isRetry = profile.pendingReview !== undefined && profile.pendingReview.reviewId === reviewId;
  if (!isRetry) checkEligibility(kind, applicant);

  const now = deps.clock.now();
  const { dueBy, expiresAt } = reviewDeadlines(now);
  const who: Applicant = { userId: profile.userId, email: profile.email, name: profile.name, locale: profile.locale };

  const submit = async (domainClaim: SubmissionPlan['domainClaim'], refreshedOwners?: DomainOwnersSnapshot): Promise<ReviewReceipt> => {
    for (let attempt = 1; ; attempt++) {
      const reference = deps.nextReference();
      const review: Review = {
        reviewId,
        reference,
        kind,
        status: 'pending',
        applicant: who,
        submittedAt: now.toISOString(),
        dueBy: dueBy.toISOString(),
        expiresAt: expiresAt.toISOString(),
        ...detailsOf(kind, details, applicant),
      };
      const receipt: ReviewReceipt = { reviewId, reference, kind, status: 'pending', submittedAt: review.submittedAt, expectedBy: review.dueBy };
      const plan: SubmissionPlan = {
        review,
        pendingReview: { reviewId, reference, kind, expectedBy: review.dueBy },
        domainClaim,
        ...(refreshedOwners ? { refreshedOwners } : {}),
        emails: [acknowledgement(review)],
      };
      try {
        const { response } = await deps.store.submit(plan, opts.idempotency, { status: 201, body: receipt });
        const stored = response.body as ReviewReceipt;
        await startWorkflow(stored, deps);
        return stored;
      } catch (e) {
        if (e instanceof ReferenceTakenError && attempt < REFERENCE_ATTEMPTS) continue;
        throw e;
      }
    }
  };

  if (kind !== 'organization') return submit(undefined);
  // The domain's owners: the applicant's snapshot when they have one (the transaction checks it still holds),
  // else, or when it no longer holds, a read (P2) that the transaction stores as their new snapshot.
  return withDomainOwners(profile, (d) => deps.orgs.domainOwners(d), now, async (found, owners) => {
    const claim = await claimFor(applicant, found, owners);
    return owners.source === 'snapshot' ? submit({ ...claim, snapshot: owners.snapshot }) : submit(claim, owners.snapshot);
  });
}

/** The execution input of a review, derived from its receipt (identical on every retry: starting is idempotent). */
export function executionInput(r: Pick<ReviewReceipt, 'reviewId' | 'submittedAt' | 'expectedBy'>): ReviewExecutionInput {
  return { reviewId: r.reviewId, remindAt: r.expectedBy, expiresAt: reviewDeadlines(new Date(r.submittedAt)).expiresAt.toISOString() };
}

async function startWorkflow(receipt: ReviewReceipt, deps: SubmissionDeps) {
  try {
    await deps.workflow.start(executionInput(receipt));
  } catch (e) {
    // The review is stored; only its workflow did not start. A retry with the same Idempotency-Key replays
    // the answer and starts it (idempotently), and a decision on it starts it too (decideReview).
    throw Object.assign(
      new UnavailableError('review_workflow_unavailable', 'Your request is recorded but its review could not be started; retry with the same Idempotency-Key.'),
      { cause: e },
    );
  }
}

/**
 * ON-4: an org the applicant could join through registration matching owns the domain (or a parent
 * domain): 409 `domain_claimed`, they join it instead. Otherwise the submission reserves the domain, on the
 * condition that its owners (and its parents') are still those found here. A refusal decided from the
 * snapshot is confirmed by a read first (StaleOwnersError): only a write proves a snapshot current.
 */
async function claimFor({ profile }: ApplicantContext, found: OwnersBySuffix, owners: OwnersBasis): Promise<NonNullable<SubmissionPlan['domainClaim']>> {
  const domain = (profile.emailDomain as string).toLowerCase();
  const suffixes = domainSuffixes(domain);
  const relationship = profile.registration?.relationship ?? 'customer_employee';
  if ((await joinableOwners(domain, relationship, found)).length > 0) {
    if (owners.source === 'snapshot') throw new StaleOwnersError('refusal decided from the snapshot');
    throw new ConflictError('domain_claimed', `An organization you can join already owns ${domain}: registration attaches you to it.`);
  }
  return { domain, suffixOwners: suffixes.map((d) => ({ domain: d, owners: found.find((f) => f.domain === d)?.owners.length ?? 0 })) };
}

function checkEligibility(kind: ReviewKind, { profile, memberships }: ApplicantContext) {
  if (kind === 'reactivation') {
    if (profile.status !== 'cancelled' && profile.status !== 'disabled') {
      throw new PreconditionError('account_not_cancelled', 'Only a cancelled or disabled account can ask to be reactivated.');
    }
  } else {
    if (profile.freeMail) {
      throw new ForbiddenError('free_mail_domain', 'Accounts with a free-mail or disposable address get Basic access only; sign up with your business email for company access.');
    }
    if (kind === 'upgrade' && (profile.tier === 'enterprise' || profile.tier === 'partner')) {
      throw new ConflictError('already_upgraded', `This account is already ${profile.tier}.`);
    }
    if (kind === 'organization') {
      if (!profile.registration) {
        throw new PreconditionError('registration_required', 'Complete your business registration (who you are, company details) first.');
      }
      if (!profile.emailDomain) {
        throw new PreconditionError('email_domain_unknown', 'Verify your business email address first.');
      }
      if (memberships.length > 0) {
        throw new ConflictError('already_member', 'You already belong to an organization; its site admin manages it.');
      }
    }
  }
  if (profile.pendingReview) {
    throw new ConflictError('review_pending', `Your request ${profile.pendingReview.reference} is still in review; you will get an answer by email.`);
  }
}

function detailsOf<K extends ReviewKind>(kind: K, details: DetailsByKind[K], { profile, memberships }: ApplicantContext): Partial<Review> {
  switch (kind) {
    case 'organization': {
      const o = details as OrganizationInput;
      return {
        organization: {
          name: o.name,
          address: o.address,
          country: o.country,
          domain: (profile.emailDomain as string).toLowerCase(),
          orgKind: orgKindFor(profile.registration?.relationship),
          serviceTag: o.serviceTag,
          serialNumber: o.serialNumber,
        },
      };
    }
    case 'upgrade':
      return { upgrade: details as UpgradeDetails };
    default: {
      const r = details as ReactivationInput;
      const primary = memberships.find((m) => m.orgId === profile.primaryOrgId) ?? memberships[0];
      const reactivation: ReactivationDetails = { orgName: r.orgName ?? primary?.orgName ?? profile.name, note: r.note };
      return { reactivation };
    }
  }
}

/** The applicant's acknowledgement, sent with the submission. */
function acknowledgement(review: Review): EmailRequest {
  const { applicant: a } = review;
  const base = { locale: a.locale, to: a.email };
  switch (review.kind) {
    case 'upgrade':
      return { ...base, template: 'upgrade_requested', data: { name: a.name, serviceRequestNumber: review.reference } };
    case 'reactivation':
      return { ...base, template: 'reactivation_requested', data: { name: a.name, reference: review.reference } };
    default:
      return { ...base, template: 'review_received', data: { name: a.name, reference: review.reference, expectedBy: review.dueBy, kind: review.kind } };
  }
}

/** ON-4: submitOrganizationForReview. */
export const submitOrganization = (input: OrganizationInput, applicant: ApplicantContext, deps: SubmissionDeps, idempotency?: IdempotencyContext) =>
  startReview('organization', input, applicant, deps, { idempotency });

/** ON-6: requestAccountUpgrade; the reference is the service request number, answered at once and emailed. */
export const requestUpgrade = (input: UpgradeDetails, applicant: ApplicantContext, deps: SubmissionDeps, idempotency?: IdempotencyContext) =>
  startReview('upgrade', input, applicant, deps, { idempotency });
