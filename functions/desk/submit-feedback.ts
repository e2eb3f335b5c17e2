import { submitFeedback } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { submitFeedback as submit } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(submitFeedback)(async ({ body, auth, idempotency }) => ({
  status: 201,
  body: await submit(body, auth, idempotency, { store, clock: systemClock }),
}));
