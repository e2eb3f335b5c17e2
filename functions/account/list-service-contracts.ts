import { listAssets } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listServiceContracts } from '#shared/contracts/routes/account.ts';
import { listServiceContracts as list } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { listAssets };

export const handler = apiHandler(listServiceContracts)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor }, clock: systemClock }),
}));
