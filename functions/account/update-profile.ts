import { updateProfile as updateProfileItems } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { updateProfile } from '#shared/contracts/routes/account.ts';
import { updateProfile as update } from '#shared/domain/account/account.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { updateProfile: updateProfileItems };

export const handler = apiHandler(updateProfile)(async ({ body, auth }) => ({ status: 200, body: await update(body, auth, { store, clock: systemClock }) }));
