import { listContractRequests } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { listSupportHistory } from '#shared/contracts/routes/account.ts';
import { listSupportHistory as list } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const desk = deskStore();
const store = { listContractRequests };

export const handler = apiHandler(listSupportHistory)(async ({ query, auth }) => ({ status: 200, body: await list(query, auth, { desk, store, clock: systemClock }) }));
