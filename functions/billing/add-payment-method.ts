import { testModeGateway } from '#shared/adapters/billing/test-gateway.ts';
import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { addPaymentMethod } from '#shared/contracts/routes/billing.ts';
import { addPaymentMethod as add } from '#shared/domain/billing/settings.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(addPaymentMethod)(async ({ body, auth, idempotency }) => ({
  status: 201,
  body: await add(body, auth, idempotency, { store, gateway: testModeGateway, clock: systemClock }),
}));
