import { deleteDeviceGroup as deleteGroupItem } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { deleteDeviceGroup } from '#shared/contracts/routes/account.ts';
import { deleteDeviceGroup as remove } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { deleteDeviceGroup: deleteGroupItem };

export const handler = apiHandler(deleteDeviceGroup)(async ({ path, auth }) => {
  await remove(path.groupId, auth, { store });
  return { status: 204 };
});
