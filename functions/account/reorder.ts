import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { reorder } from '#shared/contracts/routes/account.ts';
import { reorder as placeAgain } from '#shared/domain/account/orders.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(reorder)(async ({ path, body, auth, idempotency }) => ({
  status: 201,
  body: await placeAgain(path.ticketId, body, auth, idempotency, { store, clock: systemClock }),
}));
