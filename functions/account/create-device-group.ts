import { createDeviceGroup as createGroupItem } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { createDeviceGroup } from '#shared/contracts/routes/account.ts';
import { createDeviceGroup as create } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { createDeviceGroup: createGroupItem };

export const handler = apiHandler(createDeviceGroup)(async ({ body, auth, idempotency }) => ({ status: 201, body: await create(body, auth, idempotency, { store, clock: systemClock }) }));
