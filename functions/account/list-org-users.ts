import { listOrgDirectory } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listOrgUsers } from '#shared/contracts/routes/account.ts';
import { listOrgUsers as list } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { listOrgDirectory };

export const handler = apiHandler(listOrgUsers)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor }, clock: systemClock }),
}));
