import { resendSignupCode } from '#shared/contracts/routes/onboarding.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { signupDeps } from '#shared/adapters/onboarding-deps.ts';
import { resendSignupCode as resend } from '#shared/domain/onboarding/signup.ts';

export const handler = apiHandler(resendSignupCode)(async ({ body, sourceIp }) => ({
  status: 202,
  body: await resend({ email: body.email, sourceIp }, await signupDeps()),
}));
