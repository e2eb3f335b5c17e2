import { getDeskSettings } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { getDeskSettings as get } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = deskStore();

export const handler = apiHandler(getDeskSettings)(async ({ auth }) => ({ status: 200, body: await get(auth, { store }) }));
