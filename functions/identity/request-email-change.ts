import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { emailChangeRequests } from '#shared/adapters/dynamodb/repositories/email-change.ts';
import { requestEmailChange } from '#shared/contracts/routes/identity.ts';
import { requestEmailChange as request } from '#shared/domain/onboarding/email-change.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';

export const handler = apiHandler(requestEmailChange)(async ({ auth, body, sourceIp }) => {
  const store = emailChangeRequests({ sealer: await getSealer(), ids: systemIds, clock: systemClock });
  return { status: 202, body: await request(auth, body.newEmail, sourceIp, { store, clock: systemClock, ids: systemIds }) };
});
