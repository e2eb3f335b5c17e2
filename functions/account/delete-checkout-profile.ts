import { deleteCheckoutProfile as deleteProfileItems, getCheckoutProfile } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { deleteCheckoutProfile } from '#shared/contracts/routes/account.ts';
import { deleteCheckoutProfile as remove } from '#shared/domain/account/books.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { getCheckoutProfile, deleteCheckoutProfile: deleteProfileItems };

export const handler = apiHandler(deleteCheckoutProfile)(async ({ path, auth }) => {
  await remove(path.profileId, auth, { store });
  return { status: 204 };
});
