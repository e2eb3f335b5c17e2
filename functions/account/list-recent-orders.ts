import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { listRecentOrders } from '#shared/contracts/routes/account.ts';
import { listRecentOrders as list } from '#shared/domain/account/orders.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(listRecentOrders)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, clock: systemClock, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
