import { transitionTicket } from '#shared/contracts/routes/desk.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { s3AttachmentStore } from '#shared/adapters/s3/attachments.ts';
import { transitionTicket as transition } from '#shared/domain/desk/workflow.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore({ sealer: getSealer });

export const handler = apiHandler(transitionTicket)(async ({ path, body, auth }) => ({
  status: 200,
  body: await transition(path.ticketId, body, auth, { store, files: s3AttachmentStore, clock: systemClock }),
}));
