import { loadInvoiceRenderer, s3InvoiceFiles } from '#shared/adapters/billing/invoice-files.ts';
import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { getInvoicePdf } from '#shared/contracts/routes/billing.ts';
import { getInvoicePdf as pdf } from '#shared/domain/billing/invoices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(getInvoicePdf)(async ({ path, auth }) => ({
  status: 200,
  body: await pdf(path.invoiceId, auth, { store, files: s3InvoiceFiles, render: loadInvoiceRenderer, clock: systemClock }),
}));
