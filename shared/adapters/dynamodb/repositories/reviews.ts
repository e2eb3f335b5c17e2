import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError, IdempotencyConflictError } from '#shared/domain/errors.ts';
import { OWNERS_HINT_FIELD, StaleOwnersError } from '#shared/domain/onboarding/domain-owners.ts';
import { domainSuffixes } from '#shared/domain/onboarding/email-domains.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import type { Review } from '#shared/domain/reviews/model.ts';
import { type OrgDirectory, ReferenceTakenError, type ReviewStore, type SubmissionPlan } from '#shared/domain/reviews/ports.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import {
  type CancellationReason,
  Expr,
  type TransactItem,
  cancellationReasons,
  getItem,
  isConditionFailure,
  strip,
  transact,
  txCheck,
  txDelete,
  txPut,
  txUpdate,
  updateItem,
} from '../commands.ts';
import { membershipItem } from '../entities/identity.ts';
import { domainReviewClaimItem, pendingReviewItem, reviewReferenceItem } from '../entities/reviews.ts';
import { writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { GSIS } from '../table-def.ts';
import { directory, joiningProfile, requireCopies, withCurrentCopies, withOldOnFailure } from './directory.ts';
import { outboxPut } from './outbox.ts';
import { snapshotChecks, snapshotRefused } from './registration.ts';
import { listPendingReviews, recordReviewDecision, toReview } from './review-queue.ts';

const failed = (r: CancellationReason | undefined) => r?.Code === 'ConditionalCheckFailed';
/** The sparse staff-queue keys, removed when the review leaves `pending`. */
const SPARSE_QUEUE_KEYS = [GSIS.gsi1.partitionKey, GSIS.gsi1.sortKey, GSIS.gsi2.partitionKey, GSIS.gsi2.sortKey];

type MailDeps = { sealer: Sealer; ids: Ids; clock: Clock };
const mailWith = (deps: MailDeps) => (req: EmailRequest) => outboxPut(req, deps);

/*
 * Reviews in the single table, with plain DocumentClient commands, one exported function per store
 * operation so that each handler bundles only the operations it uses; `dynamoReviewStore` assembles them all.
 * P30 a review: GetItem / conditional UpdateItem on REVIEW#<id>.
 * (P31/P32, the staff queue, and the decision write are in review-queue.ts.)
 * P33 a domain's review reservation: DOMAIN#<domain> / REVIEW_CLAIM, plus ConditionChecks that the owners of
 *     the domain and its parents (DOMAIN#<suffix> / DOMAIN) are as the applicant's snapshot records them
 *     (exactly) or as P2 read them (their number), in the submission transaction.
 * P34 a reference's uniqueness: REVIEWREF#<n>.
 */

/** The submission transaction (with the idempotency record when given); see SubmissionPlan. */
export function submitReview(deps: MailDeps): ReviewStore['submit'] {
  const mail = mailWith(deps);

  async function submitOnce(plan: SubmissionPlan, ctx: Parameters<ReviewStore['submit']>[1], response: Parameters<ReviewStore['submit']>[2]) {
    const r = plan.review;
    const user = new Expr()
      .set({ pendingReview: plan.pendingReview, updatedAt: r.submittedAt, [OWNERS_HINT_FIELD]: plan.refreshedOwners })
      .exists('userId')
      .exists('pendingReview', false);
    const writes: TransactItem[] = [
      txPut(pendingReviewItem(r), new Expr().exists('reviewId', false)),
      txPut(reviewReferenceItem({ reference: r.reference, reviewId: r.reviewId, createdAt: r.submittedAt }), new Expr().exists('reference', false)),
      txUpdate(keys.user(r.applicant.userId), user),
    ];
    const claim = plan.domainClaim;
    if (claim) {
      writes.push(
        txPut(domainReviewClaimItem({ domain: claim.domain, reviewId: r.reviewId, userId: r.applicant.userId, createdAt: r.submittedAt }), new Expr().exists('domain', false)),
        // The owners of the domain and its parents are still those the submission checked: exactly the
        // applicant's snapshot when it decided, else as many as the read found.
        ...(claim.snapshot
          ? snapshotChecks(claim.snapshot)
          : claim.suffixOwners.map(({ domain, owners }) => {
              const x = new Expr();
              return txCheck(keys.domain(domain), owners === 0 ? x.exists('domain', false) : x.when(`size(${x.name('owners')}) = ${x.value(owners)}`));
            })),
      );
    }
    const checkCount = claim ? (claim.snapshot ? domainSuffixes(claim.snapshot.domain).length : claim.suffixOwners.length) : 0;
    writes.push(...plan.emails.map(mail));
    const mapCancellation = (reasons: CancellationReason[]) => {
      // A stale snapshot: the use case reads the owners and decides again (whatever else failed).
      if (claim?.snapshot && snapshotRefused(reasons, 4, checkCount)) throw new StaleOwnersError('the domain owners changed since the snapshot');
      if (claim && reasons.slice(4, 4 + checkCount).some(failed)) {
        throw new ConflictError('domain_claimed', `The organizations owning ${claim.domain} changed while you submitted; sign in again to be matched to them.`);
      }
      if (failed(reasons[2])) throw new ConflictError('review_pending', 'You already have a request in review; you will get an answer by email.');
      if (claim && failed(reasons[3])) {
        throw new ConflictError('domain_review_pending', `Another request for ${claim.domain} is already in review; you will be able to join that organization once it is approved.`);
      }
      if (failed(reasons[1])) throw new ReferenceTakenError(r.reference);
      if (failed(reasons[0])) throw new ConflictError('review_exists', 'This request was submitted already.');
    };
    if (ctx) return writeIdempotently(ctx, response, writes, deps.clock.now(), mapCancellation);
    try {
      await transact(writes);
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons) throw e;
      if (reasons.some((x) => x.Code === 'TransactionConflict')) {
        throw new IdempotencyConflictError('request_in_progress', 'A conflicting request is in progress; retry shortly.');
      }
      mapCancellation(reasons);
      throw e;
    }
    return { replayed: false, response };
  }

  return async (plan, ctx, response) => {
    try {
      return await submitOnce(plan, ctx, response);
    } catch (e) {
      // DynamoDB cancels a transaction that races another one on the same item (two submissions reserving
      // one domain) with TransactionConflict, before either has committed. Once the other has, the retry
      // gets the real answer: a replay of our own twin, or the 409 of whoever reserved the domain first.
      if (!(e instanceof IdempotencyConflictError)) throw e;
      await sleep(50 + randomInt(150));
      return submitOnce(plan, ctx, response);
    }
  };
}

export async function getReview(reviewId: string): Promise<Review | undefined> {
  const item = await getItem(keys.review(reviewId));
  return item ? toReview(item) : undefined;
}

export const storeReviewTaskToken: ReviewStore['storeTaskToken'] = async (reviewId, taskToken) => {
  try {
    const item = await updateItem(keys.review(reviewId), new Expr().set({ taskToken }).exists('reviewId'), true);
    return toReview(item ?? {});
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
};

/** Records `field` and sends the email once, in one transaction: false if it was recorded before. */
export function markReviewOnce(deps: MailDeps, field: 'notifiedAt' | 'remindedAt'): ReviewStore['markNotified'] {
  const mail = mailWith(deps);
  return async (reviewId, at, email) => {
    const writes: TransactItem[] = [txUpdate(keys.review(reviewId), new Expr().set({ [field]: at }).exists('reviewId').exists(field, false))];
    if (email) writes.push(mail(email));
    try {
      await transact(writes);
      return true;
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (reasons && failed(reasons[0])) return false;
      throw e;
    }
  };
}

/**
 * The completion transaction; see CompletionPlan. A membership it creates carries its member's name and email
 * (the review's applicant snapshot, possibly days old): the profile update holds only while they are the
 * profile's (joiningProfile), and a refusal for that alone runs it again with the profile's (withCurrentCopies).
 */
export function completeReview(deps: MailDeps): ReviewStore['complete'] {
  const mail = mailWith(deps);
  const write = async (plan: Parameters<ReviewStore['complete']>[0]) => {
    const review = new Expr()
      .set({ status: plan.status, outcome: plan.outcome })
      .remove('taskToken', ...SPARSE_QUEUE_KEYS)
      .equals('status', plan.from);
    const user = new Expr()
      .set({
        updatedAt: plan.outcome.appliedAt,
        tier: plan.applicant.tier,
        primaryOrgId: plan.applicant.primaryOrgId,
        ...(plan.applicant.reactivate ? { status: 'active' } : {}),
      })
      .remove('pendingReview')
      .exists('userId');
    const writes: TransactItem[] = [txUpdate(keys.review(plan.reviewId), review)];
    if (plan.membership) writes.push(withOldOnFailure(txUpdate(keys.user(plan.applicant.userId), joiningProfile(user, plan.membership))), txPut(membershipItem(plan.membership)));
    else writes.push(txUpdate(keys.user(plan.applicant.userId), user));
    if (plan.releaseDomain) {
      const x = new Expr();
      x.when(`attribute_not_exists(${x.name('reviewId')}) OR ${x.name('reviewId')} = ${x.value(plan.reviewId)}`);
      writes.push(txDelete(keys.domainReviewClaim(plan.releaseDomain), x));
    }
    writes.push(mail(plan.email));
    await transact(writes);
  };
  return async (plan) => {
    try {
      const membership = plan.membership;
      if (membership) await withCurrentCopies(requireCopies(membership), 1, (copies) => write({ ...plan, membership: { ...membership, ...copies } }));
      else await write(plan);
      return 'completed';
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (reasons && failed(reasons[0])) return 'already_completed';
      throw e;
    }
  };
}

/** Every operation (the workflow steps use most of them). */
export function dynamoReviewStore(deps: MailDeps): ReviewStore {
  return {
    submit: submitReview(deps),
    get: getReview,
    listPending: listPendingReviews,
    recordDecision: recordReviewDecision,
    storeTaskToken: storeReviewTaskToken,
    markNotified: markReviewOnce(deps, 'notifiedAt'),
    markReminded: markReviewOnce(deps, 'remindedAt'),
    complete: completeReview(deps),
  };
}

/** The org directory as reviews use it: P2 domain owners, P3 org by id (consistent), and its writes. */
export const reviewOrgDirectory: OrgDirectory = {
  domainOwners: (domains) => directory.domainOwners(domains),
  createOrg: (org) => directory.createOrg(org),
  addDomainOwner: (domain, org) => directory.addDomainOwner(domain, org),
  async getOrg(orgId) {
    const item = await getItem(keys.org(orgId));
    return item ? strip<Org>(item) : undefined;
  },
};
