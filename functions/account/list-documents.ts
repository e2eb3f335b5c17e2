import { listDocuments as listDocumentItems } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { listDocuments } from '#shared/contracts/routes/account.ts';
import { listDocuments as list } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';

const store = { listDocuments: listDocumentItems };

export const handler = apiHandler(listDocuments)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor } }),
}));
