import { registrationDeps } from '#shared/adapters/registration-deps.ts';
import { submitRegistration } from '#shared/contracts/routes/onboarding.ts';
import { submitRegistration as register } from '#shared/domain/onboarding/registration.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(submitRegistration)(async ({ auth, body }) => ({ status: 200, body: await register(auth, body, await registrationDeps()) }));
