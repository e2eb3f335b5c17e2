import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { countSends } from '#shared/adapters/dynamodb/repositories/onboarding.ts';
import { requestPasswordReset } from '#shared/contracts/routes/onboarding.ts';
import { requestPasswordReset as reset } from '#shared/domain/onboarding/password-reset.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const identity = cognitoIdentityProvider();

export const handler = createRouteHandler(requestPasswordReset)(async ({ body, sourceIp }) => ({
  status: 202,
  body: await reset({ email: body.email, sourceIp }, { identity, countSends, clock: systemClock }),
}));
