import { listTicketComments } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { listTicketComments as list } from '#shared/domain/desk/conversation.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(listTicketComments)(async ({ path, query, auth }) => ({
  status: 200,
  body: await list(path.ticketId, query, auth, { store, clock: systemClock, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
