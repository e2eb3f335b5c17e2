import { getDocument, publishDocument as publishDocumentItem } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { s3DocumentFiles } from '#shared/adapters/s3/account-documents.ts';
import { publishDocument } from '#shared/contracts/routes/account.ts';
import { publishDocument as publish } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { getDocument, publishDocument: publishDocumentItem };

export const handler = apiHandler(publishDocument)(async ({ path }) => ({
  status: 200,
  body: await publish(path.orgId, path.documentId, { store, files: s3DocumentFiles, clock: systemClock }),
}));
