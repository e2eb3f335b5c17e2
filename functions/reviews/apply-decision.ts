import { stepDeps } from '#shared/adapters/sfn/review-deps.ts';
import { stepEvent } from '#shared/adapters/sfn/step-event.ts';
import { applyDecision } from '#shared/domain/reviews/steps.ts';
import { logger } from '#shared/lib/logger.ts';

/** The Payload of the ApplyDecision Task state; sample: events/review-apply-decision.json. */
export const handler = async (event: unknown) => {
  const input = stepEvent(event, { reviewId: 'id', enteredAt: 'datetime' });
  const result = await applyDecision(input, await stepDeps({ outbox: true }));
  logger.info('review step done', { step: 'ApplyDecision', reviewId: input.reviewId, ...result });
  return result;
};
