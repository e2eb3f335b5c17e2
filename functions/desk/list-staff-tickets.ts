import { listStaffTickets } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { listStaffTickets as list } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(listStaffTickets)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, clock: systemClock, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
