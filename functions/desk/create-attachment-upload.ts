import { createAttachmentUpload } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { s3AttachmentStore } from '#shared/adapters/s3/attachments.ts';
import { createAttachmentUpload as create } from '#shared/domain/desk/conversation.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(createAttachmentUpload)(async ({ path, body, auth, idempotency }) => ({
  status: 201,
  body: await create(path.ticketId, body, auth, idempotency, { store, files: s3AttachmentStore, clock: systemClock }),
}));
