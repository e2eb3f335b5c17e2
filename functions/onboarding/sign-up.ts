import { signUp } from '#shared/contracts/routes/onboarding.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';
import { sendCodeDeps } from '#shared/adapters/onboarding-deps.ts';
import { signUp as signUpUseCase } from '#shared/domain/onboarding/signup.ts';

export const handler = createRouteHandler(signUp)(async ({ body, sourceIp }) => ({
  status: 202,
  body: await signUpUseCase({ ...body, sourceIp }, await sendCodeDeps()),
}));
