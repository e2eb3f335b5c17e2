import { cognitoIdentityProvider, verifyPassword } from '#shared/adapters/cognito/identity-provider.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { accountStatusStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { cancelAccount } from '#shared/contracts/routes/billing.ts';
import { cancelAccount as cancel } from '#shared/domain/billing/lifecycle.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = accountStatusStore({ sealer: getSealer });

export const handler = apiHandler(cancelAccount)(async ({ body, auth }) => ({
  status: 200,
  body: await cancel(body, auth, { identity: { ...cognitoIdentityProvider(), verifyPassword }, store, clock: systemClock }),
}));
