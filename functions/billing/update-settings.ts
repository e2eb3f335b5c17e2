import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { updateBillingSettings } from '#shared/contracts/routes/billing.ts';
import { updateBillingSettings as update } from '#shared/domain/billing/settings.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(updateBillingSettings)(async ({ body, auth }) => ({ status: 200, body: await update(body, auth, { store, clock: systemClock }) }));
