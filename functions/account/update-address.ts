import { updateAddress as updateAddressItem } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { updateAddress } from '#shared/contracts/routes/account.ts';
import { updateAddress as update } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { updateAddress: updateAddressItem };

export const handler = apiHandler(updateAddress)(async ({ path, body, auth }) => ({ status: 200, body: await update(path.addressId, body, auth, { store, clock: systemClock }) }));
