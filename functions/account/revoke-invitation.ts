import { deleteInvitation } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { revokeInvitation } from '#shared/contracts/routes/account.ts';
import { revokeInvitation as revoke } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { deleteInvitation };

export const handler = apiHandler(revokeInvitation)(async ({ path, auth }) => {
  await revoke(path.email, auth, { store });
  return { status: 204 };
});
