import { registrationDeps } from '#shared/adapters/registration-deps.ts';
import { chooseOrganization } from '#shared/contracts/routes/onboarding.ts';
import { chooseOrganization as choose } from '#shared/domain/onboarding/registration.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(chooseOrganization)(async ({ auth, body }) => ({ status: 200, body: await choose(auth, body.orgId, await registrationDeps()) }));
