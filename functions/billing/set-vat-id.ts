import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { setVatId } from '#shared/contracts/routes/billing.ts';
import { setVatId as set } from '#shared/domain/billing/settings.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const store = billingStore();

export const handler = apiHandler(setVatId)(async ({ body, auth }) => ({ status: 200, body: await set(body, auth, { store, vat: viesRegistry(), clock: systemClock }) }));
