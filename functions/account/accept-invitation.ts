import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { getInvitation } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { acceptInvitation as acceptWrite } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { acceptInvitation } from '#shared/contracts/routes/account.ts';
import { acceptInvitation as accept } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

export const handler = apiHandler(acceptInvitation)(async ({ path, auth }) => {
  const store = { getInvitation, acceptInvitation: acceptWrite({ sealer: await getSealer() }) };
  return { status: 200, body: await accept(path.orgId, auth, { store, clock: systemClock }) };
});
