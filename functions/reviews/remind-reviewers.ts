import { stepDeps } from '#shared/adapters/sfn/review-deps.ts';
import { stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { remindReviewers } from '#shared/domain/reviews/steps.ts';
import { logger } from '#shared/lib/logger.ts';

/** The Payload of the RemindReviewers Task state; sample: events/review-remind-reviewers.json. */
export const handler = async (event: unknown) => {
  const input = stepEvent(event, { reviewId: 'id', expiresAt: 'datetime', enteredAt: 'datetime' });
  const result = await remindReviewers(input, await stepDeps({ outbox: true }));
  logger.info('review step done', { step: 'RemindReviewers', reviewId: input.reviewId, ...result });
  return result;
};
