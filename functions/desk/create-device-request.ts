import { createDeviceRequest } from '#shared/contracts/routes/desk.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { createDeviceRequest as create } from '#shared/domain/desk/tickets.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = deskStore();

export const handler = apiHandler(createDeviceRequest)(async ({ body, auth, idempotency }) => {
  const { ticket } = await create(body, auth, idempotency, { store, clock: systemClock });
  return { status: 201, body: ticket };
});
