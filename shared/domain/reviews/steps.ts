import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { ACCESS_GROUP, type Membership, type Org, TIER_OF_KIND } from '#shared/domain/identity/model.ts';
import { ageHours, secondsUntil } from './business-days.ts';
import { placeOrg } from './domains.ts';
import type { Review, ReviewStatus } from './model.ts';
import type { ApplyDeps, CompletionPlan, ReviewDeps } from './ports.ts';

/**
 * The use cases behind the workflow's Task states (functions/reviews/*). Each is safe to run twice (Lambda
 * and Step Functions retry): emails are sent with a conditional write that records them, and completions
 * only apply to a review still in the expected status.
 */

/** A review the workflow refers to must exist; if not, the step fails and the failed-execution alarm fires. */
async function load(reviewId: string, deps: Pick<ReviewDeps, 'store'>): Promise<Review> {
  const review = await deps.store.get(reviewId);
  if (!review) throw new Error(`review ${reviewId} does not exist`);
  return review;
}

const subjectName = (r: Review) => r.organization?.name ?? r.upgrade?.companyName ?? r.reactivation?.orgName ?? r.applicant.name;

/** NotifyReviewers: emails the review team once; answers how long the first wait lasts (until the reminder). */
export async function notifyReviewers(
  input: { reviewId: string; remindAt: string; enteredAt: string },
  deps: Pick<ReviewDeps, 'store' | 'clock' | 'reviewTeamEmail'>,
): Promise<{ remindInSeconds: number }> {
  const review = await load(input.reviewId, deps);
  if (review.status === 'pending') {
    const now = deps.clock.now();
    await deps.store.markNotified(review.reviewId, now.toISOString(), {
      template: 'review_request_staff',
      locale: 'en',
      to: deps.reviewTeamEmail,
      data: {
        reference: review.reference,
        kind: review.kind,
        applicantEmail: review.applicant.email,
        orgName: subjectName(review),
        ageHours: ageHours(new Date(review.submittedAt), now),
        dueBy: review.dueBy,
      },
    });
  }
  return { remindInSeconds: secondsUntil(new Date(input.remindAt), new Date(input.enteredAt)) };
}

/**
 * AwaitDecision (both waits): stores the wait's task token on the review. A decision taken before the token
 * was stored (while reviewers were being notified, or between the two waits) completes the task at once.
 */
export async function awaitDecision(input: { reviewId: string; taskToken: string }, deps: Pick<ReviewDeps, 'store' | 'workflow'>): Promise<void> {
  const review = await deps.store.storeTaskToken(input.reviewId, input.taskToken);
  if (!review) throw new Error(`review ${input.reviewId} does not exist`);
  if (review.decision) await deps.workflow.sendDecision(input.taskToken, { decision: review.decision.decision });
}

/** RemindReviewers: after 2 business days without a decision, reminds the review team once; then waits until expiry. */
export async function remindReviewers(
  input: { reviewId: string; expiresAt: string; enteredAt: string },
  deps: Pick<ReviewDeps, 'store' | 'clock' | 'reviewTeamEmail'>,
): Promise<{ expireInSeconds: number }> {
  const review = await load(input.reviewId, deps);
  if (review.status === 'pending') {
    await deps.store.markReminded(review.reviewId, deps.clock.now().toISOString(), {
      template: 'review_reminder_staff',
      locale: 'en',
      to: deps.reviewTeamEmail,
      data: { reference: review.reference, kind: review.kind, applicantEmail: review.applicant.email, dueBy: review.dueBy },
    });
  }
  return { expireInSeconds: secondsUntil(new Date(input.expiresAt), new Date(input.enteredAt)) };
}

/** The org an approval creates has an id derived from the review, so a retried step finds its own org. */
export const orgIdFor = (reviewId: string) => `org_${reviewId.replace(/^rev_/, '')}`;

function rejection(review: Review, reason: string, now: string, automatic: boolean): CompletionPlan {
  return {
    reviewId: review.reviewId,
    from: 'decided',
    status: 'rejected',
    outcome: { result: 'rejected', reason, automatic: automatic || undefined, appliedAt: now },
    applicant: { userId: review.applicant.userId },
    releaseDomain: review.organization?.domain,
    email: {
      template: 'review_rejected',
      locale: review.applicant.locale,
      to: review.applicant.email,
      data: { name: review.applicant.name, reference: review.reference, reason, kind: review.kind },
    },
  };
}

function approvedEmail(review: Review, orgName: string): EmailRequest {
  return {
    template: 'review_approved',
    locale: review.applicant.locale,
    to: review.applicant.email,
    data: { name: review.applicant.name, reference: review.reference, orgName, kind: review.kind },
  };
}

function siteAdmin(review: Review, org: Org, now: string): Membership {
  return {
    userId: review.applicant.userId,
    orgId: org.orgId,
    orgName: org.name,
    orgKind: org.kind,
    role: 'site_admin',
    accessGroup: ACCESS_GROUP[org.kind],
    joinedAt: now,
    // The applicant as submitted; the store writes the profile's current name and email if they changed since.
    userName: review.applicant.name,
    userEmail: review.applicant.email,
  };
}

/**
 * ApplyDecision. A rejection: the reason is stored and emailed, the domain released, the tier unchanged.
 * An approval, by kind:
 * - organization: the org is created (kind partner for partner relationships, else customer) owning the
 *   reserved domain, or beside its owners when those are orgs the applicant could not join (a prospective
 *   partner at a customer's domain); the applicant becomes its site admin with tier partner or enterprise
 *   and it as primary org. If an org the applicant could join registered the domain meanwhile (the
 *   reservation only guards against other reviews), the approval cannot be applied as decided: it becomes a
 *   rejection with an automatic reason, and the applicant joins that org through registration matching.
 *   Attaching them to it here instead would grant a membership that org's admins never saw.
 * - upgrade: tier enterprise. An applicant without any org also gets an org for the company named in the
 *   request (customer, with their verified email domain, placed the same way), as its site admin; if a
 *   customer org owns that domain by then, only the tier changes (they join it, no duplicate org).
 * - reactivation: the account is active again and its Cognito identity enabled.
 */
export async function applyDecision(input: { reviewId: string }, deps: ApplyDeps): Promise<{ status: ReviewStatus }> {
  const review = await load(input.reviewId, deps);
  if (review.status !== 'decided' || !review.decision) {
    // Already applied (a retried step) or expired: nothing to do. Pending cannot get here: the wait only
    // ends early on a stored decision.
    if (review.status === 'pending') throw new Error(`review ${review.reviewId} has no decision to apply`);
    return { status: review.status };
  }
  const now = deps.clock.now().toISOString();
  const { decision } = review;
  if (decision.decision === 'reject') {
    await deps.store.complete(rejection(review, decision.reason ?? '', now, false));
    return { status: 'rejected' };
  }
  const approve = (plan: Omit<CompletionPlan, 'reviewId' | 'from' | 'status'>) =>
    deps.store.complete({ reviewId: review.reviewId, from: 'decided', status: 'approved', ...plan });

  if (review.kind === 'organization' && review.organization) {
    const o = review.organization;
    const org: Org = { orgId: orgIdFor(review.reviewId), name: o.name, kind: o.orgKind, country: o.country, domains: [o.domain], defaultRole: 'buyer', ssoEnabled: false, createdAt: now };
    const relationship = o.orgKind === 'partner' ? 'prospective_partner' : 'customer_employee';
    if ((await placeOrg(org, relationship, deps.orgs)) === 'joinable') {
      const reason = `While your request was in review, the email domain ${o.domain} was registered by an organization you can join, so we did not create a second one. Sign in again to join it.`;
      await deps.store.complete(rejection(review, reason, now, true));
      return { status: 'rejected' };
    }
    const tier = TIER_OF_KIND[org.kind];
    await approve({
      outcome: { result: 'approved', orgId: org.orgId, orgName: org.name, tier, appliedAt: now },
      applicant: { userId: review.applicant.userId, tier, primaryOrgId: org.orgId },
      membership: siteAdmin(review, org, now),
      releaseDomain: o.domain,
      email: approvedEmail(review, org.name),
    });
    return { status: 'approved' };
  }

  if (review.kind === 'upgrade' && review.upgrade) {
    const u = review.upgrade;
    const loaded = await deps.principals.load(review.applicant.userId);
    if (!loaded) throw new Error(`applicant ${review.applicant.userId} of review ${review.reviewId} has no profile`);
    const current = loaded.memberships.find((m) => m.orgId === loaded.profile.primaryOrgId) ?? loaded.memberships[0];
    let org: Org | undefined;
    if (!current) {
      const domain = loaded.profile.emailDomain && !loaded.profile.freeMail ? [loaded.profile.emailDomain] : [];
      const candidate: Org = { orgId: orgIdFor(review.reviewId), name: u.companyName, kind: 'customer', country: u.equipmentSiteAddress.country, domains: domain, defaultRole: 'buyer', ssoEnabled: false, createdAt: now };
      if ((await placeOrg(candidate, 'customer_employee', deps.orgs)) === 'placed') org = candidate;
    }
    await approve({
      outcome: { result: 'approved', orgId: org?.orgId, orgName: org?.name ?? current?.orgName, tier: 'enterprise', appliedAt: now },
      applicant: { userId: review.applicant.userId, tier: 'enterprise', primaryOrgId: org?.orgId },
      membership: org ? siteAdmin(review, org, now) : undefined,
      email: approvedEmail(review, org?.name ?? current?.orgName ?? u.companyName),
    });
    return { status: 'approved' };
  }

  if (review.kind === 'reactivation' && review.reactivation) {
    // Cognito first: enabling twice is harmless, and the account only shows active once sign-in works.
    await deps.identity.enable(review.applicant.email);
    await approve({
      outcome: { result: 'approved', appliedAt: now },
      applicant: { userId: review.applicant.userId, reactivate: true },
      email: approvedEmail(review, review.reactivation.orgName),
    });
    return { status: 'approved' };
  }
  throw new Error(`review ${review.reviewId} (${review.kind}) has no ${review.kind} details`);
}

/**
 * ExpireReview: 14 days without a decision. The applicant is told, the domain released, their profile
 * freed for a new request. A decision stored at the last moment (its task token had just timed out) is
 * applied instead of being lost.
 */
export async function expireReview(input: { reviewId: string }, deps: ApplyDeps): Promise<{ status: ReviewStatus }> {
  const review = await load(input.reviewId, deps);
  if (review.status === 'decided') return applyDecision(input, deps);
  if (review.status !== 'pending') return { status: review.status };
  const outcome = await deps.store.complete({
    reviewId: review.reviewId,
    from: 'pending',
    status: 'expired',
    outcome: { result: 'expired', appliedAt: deps.clock.now().toISOString() },
    applicant: { userId: review.applicant.userId },
    releaseDomain: review.organization?.domain,
    email: {
      template: 'review_expired',
      locale: review.applicant.locale,
      to: review.applicant.email,
      data: { name: review.applicant.name, reference: review.reference, kind: review.kind },
    },
  });
  // Lost the race against a decision recorded just now: apply it.
  if (outcome === 'already_completed') return applyDecision(input, deps);
  return { status: 'expired' };
}
