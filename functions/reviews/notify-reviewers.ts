import { stepDeps } from '#shared/adapters/sfn/review-deps.ts';
import { stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { notifyReviewers } from '#shared/domain/reviews/steps.ts';
import { logger } from '#shared/lib/logger.ts';

/** The Payload of the NotifyReviewers Task state (shared/domain/reviews/workflow.ts); sample: events/review-notify-reviewers.json. */
export const handler = async (event: unknown) => {
  const input = stepEvent(event, { reviewId: 'id', remindAt: 'datetime', enteredAt: 'datetime' });
  const result = await notifyReviewers(input, await stepDeps({ outbox: true }));
  logger.info('review step done', { step: 'NotifyReviewers', reviewId: input.reviewId, ...result });
  return result;
};
