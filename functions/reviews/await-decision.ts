import { stepDeps } from '#shared/adapters/sfn/review-deps.ts';
import { stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { awaitDecision } from '#shared/domain/reviews/steps.ts';
import { logger } from '#shared/lib/logger.ts';

/**
 * The Payload of both AwaitDecision Task states (WAIT_FOR_TASK_TOKEN); sample: events/review-await-decision.json.
 * The token is never logged.
 */
export const handler = async (event: unknown) => {
  const input = stepEvent(event, { reviewId: 'id', taskToken: 'token' });
  await awaitDecision(input, await stepDeps({ outbox: false }));
  logger.info('review step done', { step: 'AwaitDecision', reviewId: input.reviewId });
};
