import { submissionDeps } from '#shared/adapters/sfn/review-deps.ts';
import { submitOrganizationForReview } from '#shared/contracts/routes/reviews.ts';
import { submitOrganization } from '#shared/domain/reviews/start-review.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(submitOrganizationForReview)(async ({ body, auth, idempotency }) => ({
  status: 201,
  body: await submitOrganization(body, auth, await submissionDeps(), idempotency),
}));
