import { createAddress as createAddressItem } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { createAddress } from '#shared/contracts/routes/account.ts';
import { createAddress as create } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { createAddress: createAddressItem };

export const handler = apiHandler(createAddress)(async ({ body, auth, idempotency }) => ({ status: 201, body: await create(body, auth, idempotency, { store, clock: systemClock }) }));
