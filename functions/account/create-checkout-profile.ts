import { createCheckoutProfile as createProfileItems } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { createCheckoutProfile } from '#shared/contracts/routes/account.ts';
import { createCheckoutProfile as create } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { createCheckoutProfile: createProfileItems };

export const handler = apiHandler(createCheckoutProfile)(async ({ body, auth, idempotency }) => ({ status: 201, body: await create(body, auth, idempotency, { store, clock: systemClock }) }));
