import { getStaffTicket } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { getStaffTicket as get } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = deskStore();

export const handler = apiHandler(getStaffTicket)(async ({ path }) => ({ status: 200, body: await get(path.ticketId, { store }) }));
