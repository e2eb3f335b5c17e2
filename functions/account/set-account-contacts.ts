import { putContacts } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { setAccountContacts } from '#shared/contracts/routes/account.ts';
import { setContacts } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { putContacts };

export const handler = apiHandler(setAccountContacts)(async ({ path, body, auth }) => ({ status: 200, body: await setContacts(path.orgId, body.contacts, auth, { store, clock: systemClock }) }));
