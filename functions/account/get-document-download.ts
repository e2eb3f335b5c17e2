import { getDocument } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { s3DocumentFiles } from '#shared/adapters/s3/account-documents.ts';
import { getDocumentDownload } from '#shared/contracts/routes/account.ts';
import { getDocumentDownload as download } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { getDocument };

export const handler = apiHandler(getDocumentDownload)(async ({ path, auth }) => ({
  status: 200,
  body: await download(path.documentId, auth, { store, files: s3DocumentFiles, clock: systemClock }),
}));
