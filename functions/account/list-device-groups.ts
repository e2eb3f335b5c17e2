import { listDeviceGroups as listGroupItems } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listDeviceGroups } from '#shared/contracts/routes/account.ts';
import { listDeviceGroups as list } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';

const store = { listDeviceGroups: listGroupItems };

export const handler = apiHandler(listDeviceGroups)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
