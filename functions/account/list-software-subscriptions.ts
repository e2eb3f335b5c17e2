import { softwareOverview } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listSoftwareSubscriptions } from '#shared/contracts/routes/account.ts';
import { listSoftwareSubscriptions as list } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { softwareOverview };

export const handler = apiHandler(listSoftwareSubscriptions)(async ({ auth }) => ({ status: 200, body: await list(auth, { store, clock: systemClock }) }));
