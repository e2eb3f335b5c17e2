import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { listDomainClassifier } from '#shared/adapters/domains/lists.ts';
import { dynamoVerifyStore } from '#shared/adapters/dynamodb/repositories/signup-verify.ts';
import { verifySignupCode } from '#shared/contracts/routes/onboarding.ts';
import { verifySignupCode as verify } from '#shared/domain/onboarding/signup.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const identity = cognitoIdentityProvider();

export const handler = createRouteHandler(verifySignupCode)(async ({ body }) => ({
  status: 200,
  body: await verify(body, { store: dynamoVerifyStore, identity, sealer: await getSealer(), classifier: listDomainClassifier, clock: systemClock }),
}));
