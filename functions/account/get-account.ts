import { orgOverview } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { getAccount } from '#shared/contracts/routes/account.ts';
import { getAccount as get } from '#shared/domain/account/account.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { orgOverview };

export const handler = apiHandler(getAccount)(async ({ auth }) => ({ status: 200, body: await get(auth, { store }) }));
