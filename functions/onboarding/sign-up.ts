import { signUp } from '#shared/contracts/routes/onboarding.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { signupDeps } from '#shared/adapters/onboarding-deps.ts';
import { signUp as signUpUseCase } from '#shared/domain/onboarding/signup.ts';

export const handler = apiHandler(signUp)(async ({ body, sourceIp }) => ({
  status: 202,
  body: await signUpUseCase({ ...body, sourceIp }, await signupDeps()),
}));
