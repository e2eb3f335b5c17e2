import { stepDeps } from '#shared/adapters/sfn/review-deps.ts';
import { stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { expireReview } from '#shared/domain/reviews/steps.ts';
import { logger } from '#shared/lib/logger.ts';

/** The Payload of the ExpireReview Task state; sample: events/review-expire-review.json. */
export const handler = async (event: unknown) => {
  const input = stepEvent(event, { reviewId: 'id', enteredAt: 'datetime' });
  const result = await expireReview(input, await stepDeps({ outbox: true }));
  logger.info('review step done', { step: 'ExpireReview', reviewId: input.reviewId, ...result });
  return result;
};
