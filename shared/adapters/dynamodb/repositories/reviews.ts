import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetItemCommand } from 'dynamodb-toolbox/entity/actions/get';
import { ConditionCheck } from 'dynamodb-toolbox/entity/actions/transactCheck';
import { DeleteTransaction } from 'dynamodb-toolbox/entity/actions/transactDelete';
import { PutTransaction } from 'dynamodb-toolbox/entity/actions/transactPut';
import { UpdateTransaction } from 'dynamodb-toolbox/entity/actions/transactUpdate';
import { type ExecuteTransactWriteInput, execute } from 'dynamodb-toolbox/entity/actions/transactWrite';
import { $remove, $set, UpdateItemCommand } from 'dynamodb-toolbox/entity/actions/update';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import { ConflictError, IdempotencyConflictError } from '#shared/domain/errors.ts';
import type { Review } from '#shared/domain/reviews/model.ts';
import { type OrgDirectory, ReferenceTakenError, type ReviewStore, type SubmissionPlan } from '#shared/domain/reviews/ports.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import { DomainEntity, MembershipEntity, OrgEntity, UserEntity } from '../entities/identity.ts';
import { DomainReviewClaimEntity, ReviewEntity, ReviewReferenceEntity } from '../entities/reviews.ts';
import { type CancellationReason, type WriteTransaction, cancellationReasons, writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { table } from '../table.ts';
import { directory } from './directory.ts';
import { outboxPut } from './outbox.ts';
import { listPendingReviews, recordReviewDecision, toReview } from './review-queue.ts';

const failed = (r: CancellationReason | undefined) => r?.Code === 'ConditionalCheckFailed';
const SPARSE_QUEUE_KEYS = { gsi1pk: $remove(), gsi1sk: $remove(), gsi2pk: $remove(), gsi2sk: $remove() } as const;


type MailDeps = { sealer: Sealer; ids: Ids; clock: Clock };
const mailWith = (deps: MailDeps) => (req: EmailRequest) => outboxPut(req, deps);

/*
 * Reviews in the single table, one exported function per store operation so that each handler bundles only
 * the operations (and dynamodb-toolbox actions) it uses; `dynamoReviewStore` assembles them all.
 * P30 a review: GetItem / conditional UpdateItem on REVIEW#<id>.
 * (P31/P32, the staff queue, and the decision write are in review-queue.ts.)
 * P33 a domain's review reservation: DOMAIN#<domain> / REVIEW_CLAIM, plus ConditionChecks that the owners of
 *     the domain and its parents (DOMAIN#<suffix> / DOMAIN) are as read, in the submission transaction.
 * P34 a reference's uniqueness: REVIEWREF#<n>.
 */

/** The submission transaction (with the idempotency record when given); see SubmissionPlan. */
export function submitReview(deps: MailDeps): ReviewStore['submit'] {
  const mail = mailWith(deps);

  async function submitOnce(plan: SubmissionPlan, ctx: Parameters<ReviewStore['submit']>[1], response: Parameters<ReviewStore['submit']>[2]) {
    const r = plan.review;
    const writes: WriteTransaction[] = [
      ReviewEntity.build(PutTransaction)
        .item({ ...r, ...keys.reviewsPending(r.submittedAt, r.reviewId), ...keys.reviewsPendingByKind(r.kind, r.submittedAt, r.reviewId) })
        .options({ condition: { attr: 'reviewId', exists: false } }),
      ReviewReferenceEntity.build(PutTransaction)
        .item({ reference: r.reference, reviewId: r.reviewId, createdAt: r.submittedAt })
        .options({ condition: { attr: 'reference', exists: false } }),
      UserEntity.build(UpdateTransaction)
        .item({ userId: r.applicant.userId, pendingReview: $set(plan.pendingReview), updatedAt: r.submittedAt })
        .options({ condition: { and: [{ attr: 'userId', exists: true }, { attr: 'pendingReview', exists: false }] } }),
    ];
    const claim = plan.domainClaim;
    if (claim) {
      writes.push(
        DomainReviewClaimEntity.build(PutTransaction)
          .item({ domain: claim.domain, reviewId: r.reviewId, userId: r.applicant.userId, createdAt: r.submittedAt })
          .options({ condition: { attr: 'domain', exists: false } }),
        // The owners of the domain and its parents are still those the submission checked.
        ...claim.suffixOwners.map(({ domain, owners }) =>
          DomainEntity.build(ConditionCheck)
            .key({ domain })
            .condition(owners === 0 ? { attr: 'domain', exists: false } : { size: 'owners', eq: owners }),
        ),
      );
    }
    writes.push(...plan.emails.map(mail));
    const mapCancellation = (reasons: CancellationReason[]) => {
      if (claim && reasons.slice(4, 4 + claim.suffixOwners.length).some(failed)) {
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
    table();
    try {
      await execute(...(writes as ExecuteTransactWriteInput));
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
  table();
  const { Item } = await ReviewEntity.build(GetItemCommand).key({ reviewId }).options({ consistent: true }).send();
  return Item ? toReview(Item) : undefined;
}

export const storeReviewTaskToken: ReviewStore['storeTaskToken'] = async (reviewId, taskToken) => {
  table();
  try {
    const { Attributes } = await ReviewEntity.build(UpdateItemCommand)
      .item({ reviewId, taskToken })
      .options({ condition: { attr: 'reviewId', exists: true }, returnValues: 'ALL_NEW' })
      .send();
    return toReview(Attributes as Record<string, unknown>);
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw e;
  }
};

/** Records `field` and sends the email once, in one transaction: false if it was recorded before. */
export function markReviewOnce(deps: MailDeps, field: 'notifiedAt' | 'remindedAt'): ReviewStore['markNotified'] {
  const mail = mailWith(deps);
  return async (reviewId, at, email) => {
    const writes: WriteTransaction[] = [
      ReviewEntity.build(UpdateTransaction)
        .item({ reviewId, [field]: at })
        .options({ condition: { and: [{ attr: 'reviewId', exists: true }, { attr: field as 'notifiedAt', exists: false }] } }),
    ];
    if (email) writes.push(mail(email));
    table();
    try {
      await execute(...(writes as ExecuteTransactWriteInput));
      return true;
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (reasons && failed(reasons[0])) return false;
      throw e;
    }
  };
}

/** The completion transaction; see CompletionPlan. */
export function completeReview(deps: MailDeps): ReviewStore['complete'] {
  const mail = mailWith(deps);
  return async (plan) => {
    const writes: WriteTransaction[] = [
      ReviewEntity.build(UpdateTransaction)
        .item({ reviewId: plan.reviewId, status: plan.status, outcome: $set(plan.outcome), taskToken: $remove(), ...SPARSE_QUEUE_KEYS })
        .options({ condition: { attr: 'status', eq: plan.from } }),
      UserEntity.build(UpdateTransaction)
        .item({
          userId: plan.applicant.userId,
          pendingReview: $remove(),
          updatedAt: plan.outcome.appliedAt,
          ...(plan.applicant.tier ? { tier: plan.applicant.tier } : {}),
          ...(plan.applicant.primaryOrgId ? { primaryOrgId: plan.applicant.primaryOrgId } : {}),
          ...(plan.applicant.reactivate ? { status: 'active' as const } : {}),
        })
        .options({ condition: { attr: 'userId', exists: true } }),
    ];
    if (plan.membership) writes.push(MembershipEntity.build(PutTransaction).item(plan.membership));
    if (plan.releaseDomain) {
      writes.push(
        DomainReviewClaimEntity.build(DeleteTransaction)
          .key({ domain: plan.releaseDomain })
          .options({ condition: { or: [{ attr: 'reviewId', exists: false }, { attr: 'reviewId', eq: plan.reviewId }] } }),
      );
    }
    writes.push(mail(plan.email));
    table();
    try {
      await execute(...(writes as ExecuteTransactWriteInput));
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
    table();
    const { Item } = await OrgEntity.build(GetItemCommand).key({ orgId }).options({ consistent: true }).send();
    return Item;
  },
};
