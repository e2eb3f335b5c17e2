import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { listDomainClassifier } from '#shared/adapters/domains/lists.ts';
import { putInvitation } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { ENV, requireEnv } from '#shared/config/env.ts';
import { inviteOrgUser } from '#shared/contracts/routes/account.ts';
import { inviteOrgUser as invite } from '#shared/domain/account/users.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

/** The invitation links to the portal's front end (PORTAL_URL, per stage). */
const portalUrl = requireEnv(ENV.portalUrl);

export const handler = apiHandler(inviteOrgUser)(async ({ body, auth, idempotency }) => {
  const store = { putInvitation: putInvitation({ sealer: await getSealer() }) };
  return { status: 201, body: await invite(body, auth, idempotency, { store, classifier: listDomainClassifier, clock: systemClock, portalUrl }) };
});
