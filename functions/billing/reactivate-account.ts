import { cognitoIdentityProvider, verifyPassword } from '#shared/adapters/cognito/identity-provider.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { accountStatusStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { submissionDeps } from '#shared/adapters/sfn/review-deps.ts';
import { reactivateAccount } from '#shared/contracts/routes/billing.ts';
import { reactivateAccount as reactivate } from '#shared/domain/billing/lifecycle.ts';
import { startReview } from '#shared/domain/reviews/start-review.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = accountStatusStore({ sealer: getSealer });

export const handler = apiHandler(reactivateAccount)(async ({ body }) => {
  const out = await reactivate(body, {
    identity: { ...cognitoIdentityProvider(), verifyPassword },
    store,
    clock: systemClock,
    fileReview: async (applicant) => startReview('reactivation', {}, applicant, await submissionDeps()),
  });
  return out.status === 'active' ? { status: 200, body: out } : { status: 202, body: out };
});
