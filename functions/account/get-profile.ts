import { getProfile } from '#shared/contracts/routes/account.ts';
import { getProfile as get } from '#shared/domain/account/account.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

export const handler = apiHandler(getProfile)(async ({ auth }) => ({ status: 200, body: get(auth) }));
