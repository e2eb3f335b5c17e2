import { getMe } from '#shared/contracts/routes/identity.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { describeMe } from '#shared/domain/identity/me.ts';

export const handler = apiHandler(getMe)(async ({ auth }) => ({ status: 200, body: describeMe(auth) }));
