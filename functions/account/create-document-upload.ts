import { createDocument } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { s3DocumentFiles } from '#shared/adapters/s3/account-documents.ts';
import { createDocumentUpload } from '#shared/contracts/routes/account.ts';
import { createDocumentUpload as create } from '#shared/domain/account/support.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { createDocument };

export const handler = apiHandler(createDocumentUpload)(async ({ path, body, auth, idempotency }) => ({
  status: 201,
  body: await create(path.orgId, body, auth, idempotency, { store, files: s3DocumentFiles, clock: systemClock }),
}));
