import { putSoftware } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { setSoftwareSubscriptions } from '#shared/contracts/routes/account.ts';
import { setSoftwareSubscriptions as set } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { putSoftware };

export const handler = apiHandler(setSoftwareSubscriptions)(async ({ path, body, auth }) => ({
  status: 200,
  body: await set(path.orgId, body.subscriptions, auth, { store, clock: systemClock }),
}));
