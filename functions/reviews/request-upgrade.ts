import { submissionDeps } from '#shared/adapters/sfn/review-deps.ts';
import { requestAccountUpgrade } from '#shared/contracts/routes/reviews.ts';
import { requestUpgrade } from '#shared/domain/reviews/start-review.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(requestAccountUpgrade)(async ({ body, auth, idempotency }) => {
  const receipt = await requestUpgrade(body, auth, await submissionDeps(), idempotency);
  return { status: 201, body: { ...receipt, serviceRequestNumber: receipt.reference } };
});
