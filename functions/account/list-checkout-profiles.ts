import { listCheckoutProfiles as listProfileItems } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listCheckoutProfiles } from '#shared/contracts/routes/account.ts';
import { listCheckoutProfiles as list } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';

const store = { listCheckoutProfiles: listProfileItems };

export const handler = apiHandler(listCheckoutProfiles)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
