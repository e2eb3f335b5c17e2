import { putOrgDetails } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { updateOrgDetails } from '#shared/contracts/routes/account.ts';
import { updateOrgDetails as update } from '#shared/domain/account/account.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { putOrgDetails };

export const handler = apiHandler(updateOrgDetails)(async ({ body, auth }) => ({ status: 200, body: await update(body, auth, { store, clock: systemClock }) }));
