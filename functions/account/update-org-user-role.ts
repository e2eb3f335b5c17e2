import { changeAdminKeeping, setRole, siteAdmins } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { updateOrgUserRole } from '#shared/contracts/routes/account.ts';
import { updateOrgUserRole as update } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = { setRole, siteAdmins, changeAdminKeeping };

export const handler = apiHandler(updateOrgUserRole)(async ({ path, body, auth }) => ({ status: 200, body: await update(path.userId, body.role, auth, { store }) }));
