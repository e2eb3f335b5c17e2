import { updateDeskPreferences } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { updateDeskPreferences as update } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(updateDeskPreferences)(async ({ body, auth }) => ({
  status: 200,
  body: await update(body, auth, { store, clock: systemClock }),
}));
