import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { getBillingSettings } from '#shared/contracts/routes/billing.ts';
import { getBillingSettings as get } from '#shared/domain/billing/settings.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

const store = billingStore();

export const handler = apiHandler(getBillingSettings)(async ({ auth }) => ({ status: 200, body: await get(auth, { store }) }));
