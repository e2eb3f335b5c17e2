import { createContractRequest } from '#shared/adapters/dynamodb/repositories/account-transactions.ts';
import { renewServiceContract } from '#shared/contracts/routes/account.ts';
import { requestContractChange } from '#shared/domain/account/devices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = { createContractRequest };

export const handler = apiHandler(renewServiceContract)(async ({ body, auth, idempotency }) => ({
  status: 201,
  body: await requestContractChange(body, auth, idempotency, { store, clock: systemClock }),
}));
