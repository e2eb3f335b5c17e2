import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '#shared/config/env.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/domain/errors.ts';
import type { Review } from '#shared/domain/reviews/model.ts';
import type { ReviewStore } from '#shared/domain/reviews/ports.ts';
import { documentClient } from '../client.ts';
import { keys } from '../keys.ts';
import { GSIS, TABLE_KEYS } from '../table-def.ts';

/**
 * The staff side of reviews, with plain DocumentClient commands: the queue (P31/P32) and the decision write
 * (P30). Like the principal store, it keeps dynamodb-toolbox out of the listReviews and decideReview
 * bundles (~90 KB, over the 450 KB budget otherwise); the items are written by ReviewEntity
 * (repositories/reviews.ts) and map one to one onto `Review` once the storage attributes are stripped.
 */
const STORAGE_ATTRIBUTES = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, GSIS.gsi1.partitionKey, GSIS.gsi1.sortKey, GSIS.gsi2.partitionKey, GSIS.gsi2.sortKey, TABLE_KEYS.entityType];

export function toReview(item: Record<string, unknown>): Review {
  const out: Record<string, unknown> = { ...item };
  for (const a of STORAGE_ATTRIBUTES) delete out[a];
  return out as unknown as Review;
}

/** P31 (all kinds, gsi2 REVIEWS#PENDING) / P32 (one kind, gsi1 REVIEWS#PENDING#<kind>): pending reviews, oldest first. */
export const listPendingReviews: ReviewStore['listPending'] = async ({ kind, limit, startKey }) => {
  const index = kind ? GSIS.gsi1 : GSIS.gsi2;
  const { Items = [], LastEvaluatedKey } = await documentClient().send(
    new QueryCommand({
      TableName: requireEnv(ENV.tableName),
      IndexName: kind ? 'gsi1' : 'gsi2',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: { ':pk': kind ? keys.reviewsPendingByKindPartition(kind) : keys.reviewsPendingPartition },
      Limit: limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return { reviews: Items.map(toReview), lastKey: LastEvaluatedKey };
};

/**
 * P30: the decision, in one conditional UpdateItem that also takes the review out of both queue indexes.
 * On a failed condition the old item (ALL_OLD) tells 404 from 409 from 403 without a second read.
 */
export const recordReviewDecision: ReviewStore['recordDecision'] = async (reviewId, decision) => {
  try {
    const { Attributes } = await documentClient().send(
      new UpdateCommand({
        TableName: requireEnv(ENV.tableName),
        Key: keys.review(reviewId),
        UpdateExpression: 'SET #status = :decided, #decision = :decision REMOVE #g1pk, #g1sk, #g2pk, #g2sk',
        ConditionExpression: '#status = :pending AND #applicant.#userId <> :reviewer',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#decision': 'decision',
          '#applicant': 'applicant',
          '#userId': 'userId',
          '#g1pk': GSIS.gsi1.partitionKey,
          '#g1sk': GSIS.gsi1.sortKey,
          '#g2pk': GSIS.gsi2.partitionKey,
          '#g2sk': GSIS.gsi2.sortKey,
        },
        ExpressionAttributeValues: {
          ':decided': 'decided',
          ':pending': 'pending',
          ':decision': decision,
          ':reviewer': decision.decidedBy.userId,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toReview(Attributes ?? {});
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    const old = (e as { Item?: Record<string, unknown> }).Item;
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
