import { resendSignupCode } from '#shared/contracts/routes/onboarding.ts';
import { createRouteHandler } from '#shared/http/route-handler.ts';
import { sendCodeDeps } from '#shared/adapters/onboarding-deps.ts';
import { resendSignupCode as resend } from '#shared/domain/onboarding/signup.ts';

export const handler = createRouteHandler(resendSignupCode)(async ({ body, sourceIp }) => ({
  status: 202,
  body: await resend({ email: body.email, sourceIp }, await sendCodeDeps()),
}));
