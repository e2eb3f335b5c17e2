import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { getInvoice } from '#shared/contracts/routes/billing.ts';
import { getInvoice as get } from '#shared/domain/billing/invoices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(getInvoice)(async ({ path, auth }) => ({ status: 200, body: await get(path.invoiceId, auth, { store, clock: systemClock }) }));
