import { deleteAddress as deleteAddressItem } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { deleteAddress } from '#shared/contracts/routes/account.ts';
import { deleteAddress as remove } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { deleteAddress: deleteAddressItem };

export const handler = apiHandler(deleteAddress)(async ({ path, auth }) => {
  await remove(path.addressId, auth, { store });
  return { status: 204 };
});
