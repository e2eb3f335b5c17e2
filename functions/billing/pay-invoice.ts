import { testModeGateway } from '#shared/adapters/billing/test-gateway.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { payInvoice } from '#shared/contracts/routes/billing.ts';
import { payInvoice as pay } from '#shared/domain/billing/invoices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';

const store = billingStore();
const desk = deskStore({ sealer: getSealer });

/** The processor is the local test-mode provider (docs/billing.md); a real processor adapter implements the same port. */
export const handler = apiHandler(payInvoice)(async ({ path, body, auth, idempotency }) => ({
  status: 201,
  body: await pay(path.invoiceId, body, auth, idempotency, { store, gateway: testModeGateway, desk, clock: systemClock, ids: systemIds }),
}));
