import { changeAdminKeeping, removeMember, siteAdmins } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { removeOrgUser } from '#shared/contracts/routes/account.ts';
import { removeOrgUser as remove } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { removeMember, siteAdmins, changeAdminKeeping };

export const handler = apiHandler(removeOrgUser)(async ({ path, auth }) => {
  await remove(path.userId, auth, { store });
  return { status: 204 };
});
