import { updateDeviceGroup as updateGroupItem } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { updateDeviceGroup } from '#shared/contracts/routes/account.ts';
import { updateDeviceGroup as update } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { updateDeviceGroup: updateGroupItem };

export const handler = apiHandler(updateDeviceGroup)(async ({ path, body, auth }) => ({ status: 200, body: await update(path.groupId, body, auth, { store, clock: systemClock }) }));
