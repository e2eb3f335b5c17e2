import { getDeviceGroup, groupPage, listAssets } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listDevices } from '#shared/contracts/routes/account.ts';
import { listDevices as list } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { listAssets, groupPage, getDeviceGroup };

export const handler = apiHandler(listDevices)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor }, clock: systemClock }),
}));
