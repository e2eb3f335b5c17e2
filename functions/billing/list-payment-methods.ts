import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { listPaymentMethods } from '#shared/contracts/routes/billing.ts';
import { listPaymentMethods as list } from '#shared/domain/billing/settings.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = billingStore();

export const handler = apiHandler(listPaymentMethods)(async ({ auth }) => ({ status: 200, body: await list(auth, { store }) }));
