import { getContacts } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listContacts } from '#shared/contracts/routes/account.ts';
import { listContacts as list } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { getContacts };

export const handler = apiHandler(listContacts)(async ({ auth }) => ({ status: 200, body: await list(auth, { store }) }));
