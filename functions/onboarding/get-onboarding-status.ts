import { getOnboardingStatus } from '#shared/contracts/routes/onboarding.ts';
import { onboardingStatus } from '#shared/domain/onboarding/registration.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(getOnboardingStatus)(async ({ auth }) => ({ status: 200, body: onboardingStatus(auth) }));
