import type { UnpaidInvoice } from '#shared/domain/billing/model.ts';
import { getItem } from '../commands.ts';
import { keys } from '../keys.ts';

/**
 * P71: the org's billing summary item holds one attribute per unpaid invoice (`unpaid_<invoiceId>`), set in
 * the transaction that issues the invoice and removed in the one that pays it. getMe reads it (one GetItem,
 * eventually consistent) to show pending payments; kept in its own module so getMe's bundle carries nothing
 * else of billing.
 */
export async function unpaidInvoices(orgId: string): Promise<UnpaidInvoice[]> {
  const item = await getItem(keys.billingSummary(orgId), false);
  if (!item) return [];
  return Object.entries(item)
    .filter(([k]) => k.startsWith('unpaid_'))
    .map(([, v]) => v as UnpaidInvoice)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
}
