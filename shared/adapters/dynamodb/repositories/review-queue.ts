import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/domain/errors.ts';
import type { Review } from '#shared/domain/reviews/model.ts';
import type { ReviewStore } from '#shared/domain/reviews/ports.ts';
import { Expr, type Item, isConditionFailure, query, send, strip, tableName } from '../commands.ts';
import { keys } from '../keys.ts';
import { GSIS } from '../table-def.ts';

/**
 * The staff side of reviews: the queue (P31/P32) and the decision write (P30), apart from the rest of
 * reviews.ts so that the listReviews and decideReview bundles hold only these two operations. The items
 * (entities/reviews.ts) map one to one onto `Review` once the storage attributes are stripped.
 */
export const toReview = (item: Item): Review => strip<Review>(item);

const QUEUE_KEYS = [GSIS.gsi1.partitionKey, GSIS.gsi1.sortKey, GSIS.gsi2.partitionKey, GSIS.gsi2.sortKey];

/** P31 (all kinds, gsi2 REVIEWS#PENDING) / P32 (one kind, gsi1 REVIEWS#PENDING#<kind>): pending reviews, oldest first. */
export const listPendingReviews: ReviewStore['listPending'] = async ({ kind, limit, startKey }) => {
  const index = kind ? GSIS.gsi1 : GSIS.gsi2;
  const { Items, LastEvaluatedKey } = await query({
    IndexName: kind ? 'gsi1' : 'gsi2',
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.partitionKey },
    ExpressionAttributeValues: { ':pk': kind ? keys.reviewsPendingByKindPartition(kind) : keys.reviewsPendingPartition },
    Limit: limit,
    ExclusiveStartKey: startKey,
  });
  return { reviews: Items.map(toReview), lastKey: LastEvaluatedKey };
};

/**
 * P30: the decision, in one conditional UpdateItem that also takes the review out of both queue indexes.
 * On a failed condition the old item (ALL_OLD) tells 404 from 409 from 403 without a second read.
 */
export const recordReviewDecision: ReviewStore['recordDecision'] = async (reviewId, decision) => {
  const x = new Expr().set({ status: 'decided', decision }).remove(...QUEUE_KEYS);
  x.equals('status', 'pending').when(`${x.name('applicant.userId')} <> ${x.value(decision.decidedBy.userId)}`);
  try {
    const { Attributes } = await send<{ Attributes?: Item }>(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.review(reviewId),
        ...(x.params() as { UpdateExpression: string }),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toReview(Attributes ?? {});
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const old = (e as { Item?: Item }).Item;
    if (!old) throw new NotFoundError('review_not_found', 'No such review.', 'path.reviewId');
    const status = attr(old.status);
    if (status === 'expired') throw new ConflictError('review_expired', 'This review expired: nobody decided within 14 days.');
    if (status !== 'pending') throw new ConflictError('review_already_decided', 'This review was decided already.');
    throw new ForbiddenError('own_review', 'You cannot decide on your own request; another reviewer must.');
  }
};

/** A raw attribute value from a condition failure (`{ S: 'pending' }`), or an already unmarshalled one. */
function attr(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
}
