import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { listBillingTransactions } from '#shared/contracts/routes/billing.ts';
import { listBillingTransactions as list } from '#shared/domain/billing/invoices.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(listBillingTransactions)(async ({ query, auth }) => ({
  status: 200,
  body: await list(query, auth, { store, cursors: { encode: encodeCursor, decode: decodeCursor }, clock: systemClock }),
}));
