import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ENV, requireEnv } from '#shared/config/env.ts';
import type { UnpaidInvoice } from '#shared/domain/billing/model.ts';
import { documentClient } from '../client.ts';
import { keys } from '../keys.ts';

/**
 * P71: the org's billing summary item holds one attribute per unpaid invoice (`unpaid_<invoiceId>`), set in
 * the transaction that issues the invoice and removed in the one that pays it. getMe reads it (one GetItem)
 * to show pending payments; kept in its own module so getMe's bundle carries nothing else of billing.
 */
export async function unpaidInvoices(orgId: string): Promise<UnpaidInvoice[]> {
  const { Item } = await documentClient().send(new GetCommand({ TableName: requireEnv(ENV.tableName), Key: keys.billingSummary(orgId) }));
  if (!Item) return [];
  return Object.entries(Item)
    .filter(([k]) => k.startsWith('unpaid_'))
    .map(([, v]) => v as UnpaidInvoice)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
}
