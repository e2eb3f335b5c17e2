import { importAssets } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { importDevices } from '#shared/contracts/routes/account.ts';
import { importDevices as runImport } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { importAssets };

export const handler = apiHandler(importDevices)(async ({ path, body, auth }) => ({ status: 200, body: await runImport(path.orgId, body.devices, auth, { store, clock: systemClock }) }));
