import { getStaffAttachmentDownload } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { s3AttachmentStore } from '#shared/adapters/s3/attachments.ts';
import { getStaffAttachmentDownload as get } from '#shared/domain/desk/conversation.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(getStaffAttachmentDownload)(async ({ path }) => ({
  status: 200,
  body: await get(path.ticketId, path.attachmentId, { store, files: s3AttachmentStore, clock: systemClock }),
}));
