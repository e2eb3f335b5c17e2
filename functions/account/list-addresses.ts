import { listAddresses as listAddressItems } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listAddresses } from '#shared/contracts/routes/account.ts';
import { listAddresses as list } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';

const store = { listAddresses: listAddressItems };

export const handler = apiHandler(listAddresses)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
