import { recordReviewDecision } from '#shared/adapters/dynamodb/repositories/review-queue.ts';
import { reviewWorkflow } from '#shared/adapters/sfn/review-workflow.ts';
import { decideReview } from '#shared/contracts/routes/reviews.ts';
import { decideReview as decide } from '#shared/domain/reviews/decide-review.ts';
import type { DecisionDeps } from '#shared/domain/reviews/ports.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { logger } from '#shared/lib/logger.ts';

let deps: DecisionDeps | undefined;
const getDeps = () => (deps ??= { store: { recordDecision: recordReviewDecision }, workflow: reviewWorkflow(), clock: systemClock });

export const handler = apiHandler(decideReview)(async ({ path, body, auth }) => {
  const { review, signalled, error } = await decide(path.reviewId, body, { userId: auth.userId, email: auth.email }, getDeps());
  if (!signalled) {
    // The decision is stored: the workflow applies it at its next step at the latest (reminder or expiry).
    logger.warn('review decision stored but the workflow was not signalled', { reviewId: review.reviewId, errorName: (error as Error)?.name });
  }
  return { status: 202, body: review };
});
