import { verifySignupCode } from '#shared/contracts/routes/onboarding.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { signupDeps } from '#shared/adapters/onboarding-deps.ts';
import { verifySignupCode as verify } from '#shared/domain/onboarding/signup.ts';

export const handler = apiHandler(verifySignupCode)(async ({ body }) => ({ status: 200, body: await verify(body, await signupDeps()) }));
