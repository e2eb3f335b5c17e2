import { updateDeskSettings } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { updateDeskSettings as update } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(updateDeskSettings)(async ({ body, auth }) => ({
  status: 200,
  body: await update(body, auth, { store, clock: systemClock }),
}));
