import { unpaidInvoices } from '#shared/adapters/dynamodb/repositories/billing-summary.ts';
import { getMe } from '#shared/contracts/routes/identity.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { describeMe, pendingPayments, seesPendingPayments } from '#shared/domain/identity/me.ts';
import { systemClock } from '#shared/lib/ids.ts';

/** Two DynamoDB calls at most: the principal (profile + memberships) and, for payers, the org's billing summary (P71). */
export const handler = apiHandler(getMe)(async ({ auth }) => {
  const payments = seesPendingPayments(auth) ? pendingPayments(await unpaidInvoices(auth.activeOrg?.orgId as string), systemClock.now()) : undefined;
  return { status: 200, body: describeMe(auth, payments) };
});
