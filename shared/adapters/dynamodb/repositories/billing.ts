import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BillingSettings, BillingTransaction, Invoice, InvoiceLine, OrgBilling, PaymentMethod, PostalLines } from '#shared/domain/billing/model.ts';
import { defaultBillingSettings } from '#shared/domain/billing/model.ts';
import type { BillingStore, InvoiceListEntry, ReadSettings } from '#shared/domain/billing/ports.ts';
import { ConflictError } from '#shared/domain/errors.ts';
import type { AccountStatusStore } from '#shared/domain/billing/lifecycle.ts';
import type { EmailRequest, Sealer } from '#shared/domain/email/ports.ts';
import type { Page } from '#shared/domain/desk/model.ts';
import { systemClock, systemIds } from '#shared/lib/ids.ts';
import { ET, Expr, type Item, type TransactItem, batchGet, cancellationCodes, getItem, isA, isConditionFailure, query, reversePage, send, strip, tableName, transact, txPut } from '../commands.ts';
import { withContentionRetry } from '../contention.ts';
import { writeIdempotently } from '../idempotent-write.ts';
import { keys } from '../keys.ts';
import { outboxPut } from './outbox.ts';
import { dynamoPrincipalStore } from './principals.ts';
import { unpaidInvoices } from './billing-summary.ts';

/**
 * Billing's items (docs/data-model.md P66, P70-P76, P82) as plain DocumentClient commands. Writes that must
 * hold together (a payment with its transaction and idempotency record; a status change with its email) are
 * one TransactWriteItems each. The invoice batch's items (P77-P81) are in billing-batch.ts.
 */

/** The outbox item of an email as a raw TransactItem (the same item outboxPut writes). */
export function outboxItem(email: EmailRequest, sealer: Sealer): TransactItem {
  return outboxPut(email, { sealer, ids: systemIds, clock: systemClock });
}

// ---------------------------------------------------------------------------------------------------------
// Mapping

function settingsOf(orgId: string, it: Item | undefined): BillingSettings {
  if (!it) return defaultBillingSettings(orgId);
  const s = strip<BillingSettings>(it);
  return { ...defaultBillingSettings(orgId), ...s };
}

function entryOf(it: Item): InvoiceListEntry {
  return {
    invoiceId: it.invoiceId as string,
    invoiceNumber: it.invoiceNumber as string,
    issuedAt: it.issuedAt as string,
    dueDate: it.dueDate as string,
    status: it.status as 'issued' | 'paid',
    currency: it.currency as string,
    totalMinor: it.totalMinor as number,
    period: (it.period as string) ?? '',
    ticketReferences: (it.ticketReferences as string[]) ?? [],
  };
}

const unpaidAttr = (invoiceId: string) => `unpaid_${invoiceId}`;

/** Item kinds (`_et`) the list Queries tell apart. */
const SETTINGS_ET = 'BillingSettings';
const TRANSACTION_ET = 'BillingTransaction';
/** The report switch's mirror beside the invoice list (P72). */
const SWITCH_ET = 'InvoiceListSwitch';

/** The org's billing settings item and the mirror of its report switch beside the invoice list. */
function settingsItems(settings: BillingSettings): [Item, Item] {
  const { orgId, reportEnabled, updatedAt } = settings;
  return [
    { ...keys.billingSettings(orgId), [ET]: SETTINGS_ET, ...settings },
    { ...keys.invoiceListSwitch(orgId), [ET]: SWITCH_ET, orgId, reportEnabled, ...(updatedAt !== undefined ? { updatedAt } : {}) },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Reads and writes shared by the batch and the routes

/** P70 + org profile + org details in one BatchGetItem. */
export async function orgBilling(orgId: string): Promise<OrgBilling | undefined> {
  const items = await batchGet([keys.org(orgId), keys.orgDetails(orgId), keys.billingSettings(orgId)]);
  const bySk = (pk: string, sk: string) => items.find((i) => i.pk === pk && i.sk === sk);
  const org = bySk(keys.org(orgId).pk, 'PROFILE');
  if (!org) return undefined;
  const details = bySk(keys.orgDetails(orgId).pk, 'DETAILS');
  const a = details?.address as Omit<PostalLines, 'name'> | undefined;
  return {
    orgId,
    orgName: org.name as string,
    country: org.country as string,
    ...(a ? { address: { name: org.name as string, ...a, country: a.country ?? (org.country as string) } } : {}),
    settings: settingsOf(orgId, bySk(keys.billingSettings(orgId).pk, 'SETTINGS')),
  };
}

export async function getSettings(orgId: string): Promise<BillingSettings | undefined> {
  const item = await getItem(keys.billingSettings(orgId));
  return item ? settingsOf(orgId, item) : undefined;
}

/**
 * P70: the settings item and the report switch's mirror beside the invoice list (P72) in one transaction, so
 * the two lists that read the switch in their own Query (P72 the mirror, P75 the settings item) never disagree.
 * Every writer of the settings comes here (the settings and VAT ID routes, the batch's VAT re-check, seeds).
 */
export async function putSettings(settings: BillingSettings, readAt?: ReadSettings): Promise<void> {
  const [item, mirror] = settingsItems(settings);
  let unchanged: Expr | undefined;
  if (readAt) {
    unchanged = new Expr();
    for (const attr of ['updatedAt', 'vatCheckedAt'] as const) {
      const at = readAt[attr];
      if (at === undefined) unchanged.exists(attr, false);
      else unchanged.equals(attr, at);
    }
  }
  try {
    await withContentionRetry(() => transact([txPut(item, unchanged), txPut(mirror)]));
  } catch (e) {
    if (cancellationCodes(e)?.[0] === 'ConditionalCheckFailed') {
      throw new ConflictError('settings_changed', 'The billing settings changed while you were saving. Read them again and retry.');
    }
    throw e;
  }
}

export async function getInvoice(invoiceId: string): Promise<Invoice | undefined> {
  const item = await getItem(keys.invoice(invoiceId));
  return item ? strip<Invoice>(item) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// The routes (BI-1, BI-3, SD-5)

export const billingStore = (): BillingStore => ({
  getInvoice,
  orgBilling,
  putSettings,
  getSettings,

  async listInvoices(orgId, status, limit, after) {
    // Newest first up to the switch's mirror, which sorts after every entry (P72, "Settings beside the list").
    // The status filter lets the mirror through.
    const [lo, hi] = keys.invoiceListWithSwitchRange;
    const filter = new Expr();
    if (status) filter.when(`${filter.name('status')} ${status === 'paid' ? '=' : '<>'} ${filter.value('paid')} OR ${filter.name(ET)} = ${filter.value(SWITCH_ET)}`);
    const page = await reversePage({ pk: keys.invoiceReportPartition(orgId), lo, hi, head: (it) => isA(it, SWITCH_ET), isRow: (it) => !isA(it, SWITCH_ET), filter }, limit, after);
    return { items: page.rows.map(entryOf), lastKey: page.lastKey, ...(after ? {} : { report: page.head ? { reportEnabled: page.head.reportEnabled !== false } : undefined }) };
  },

  async invoiceWithLines(invoiceId) {
    let invoice: Invoice | undefined;
    const lines: InvoiceLine[] = [];
    let after: Item | undefined;
    do {
      const out = await query({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.invoicePartition(invoiceId) },
        ConsistentRead: true,
        ...(after ? { ExclusiveStartKey: after } : {}),
      });
      for (const it of out.Items) {
        if (it.sk === 'INVOICE') invoice = strip<Invoice>(it);
        else lines.push(strip<InvoiceLine>(it));
      }
      after = out.LastEvaluatedKey;
    } while (after);
    return invoice ? { invoice, lines } : undefined;
  },

  async setPdfKey(invoiceId, key) {
    await send(
      new UpdateCommand({ TableName: tableName(), Key: keys.invoice(invoiceId), UpdateExpression: 'SET pdfKey = :k', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':k': key } }),
    );
  },

  async listTransactions(orgId, limit, after) {
    // Newest first from the settings item down through the payments (`PMT#` < `SETTINGS`, P75): the first page
    // starts with the settings (one extra place); payment methods (`PM#`) and the summary are outside the range.
    const [lo, hi] = keys.billingTransactionsWithSettingsRange;
    const page = await reversePage({ pk: keys.billingPartition(orgId), lo, hi, head: (it) => isA(it, SETTINGS_ET), isRow: (it) => isA(it, TRANSACTION_ET) }, limit, after);
    const items = page.rows.map((i) => strip<BillingTransaction>(i));
    return { items, lastKey: page.lastKey, ...(after ? {} : { report: page.head ? { reportEnabled: settingsOf(orgId, page.head).reportEnabled } : undefined }) };
  },

  async listPaymentMethods(orgId) {
    const out = await query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :pm)',
      ExpressionAttributeValues: { ':pk': keys.billingPartition(orgId), ':pm': keys.paymentMethodSkPrefix },
      Limit: 50,
    });
    return out.Items.map((i) => strip<PaymentMethod>(i));
  },

  async getPaymentMethod(orgId, paymentMethodId) {
    const item = await getItem(keys.paymentMethod(orgId, paymentMethodId));
    return item ? strip<PaymentMethod>(item) : undefined;
  },

  async addPaymentMethod(pm, idempotency, response, now) {
    return writeIdempotently(idempotency, response, [{ Put: { TableName: tableName(), Item: { ...keys.paymentMethod(pm.orgId, pm.paymentMethodId), [ET]: 'PaymentMethod', ...pm }, ConditionExpression: 'attribute_not_exists(pk)' } }], now);
  },

  async claimPayment(invoiceId, attemptId, now, until) {
    try {
      await send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invoice(invoiceId),
          UpdateExpression: 'SET paymentAttempt = :a, paymentLeaseUntil = :until',
          ConditionExpression: '#s = :issued AND (attribute_not_exists(paymentLeaseUntil) OR paymentLeaseUntil < :now)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':a': attemptId, ':until': until.toISOString(), ':now': now.toISOString(), ':issued': 'issued' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return 'claimed';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return (e as { Item?: Item }).Item?.status === 'paid' ? 'paid' : 'in_progress';
    }
  },

  async releasePayment(invoiceId, attemptId) {
    try {
      await send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.invoice(invoiceId),
          UpdateExpression: 'REMOVE paymentAttempt, paymentLeaseUntil',
          ConditionExpression: 'paymentAttempt = :a',
          ExpressionAttributeValues: { ':a': attemptId },
        }),
      );
    } catch (e) {
      // Not ours any more (expired and taken by another attempt): nothing to give back.
      if (!isConditionFailure(e)) throw e;
    }
  },

  async recordPayment(invoice, txn, attemptId, idempotency, response, now) {
    return writeIdempotently(
      idempotency,
      response,
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.invoice(invoice.invoiceId),
            UpdateExpression: 'SET #s = :paid, paidAt = :at, paymentId = :txn REMOVE paymentAttempt, paymentLeaseUntil',
            ConditionExpression: '#s = :issued AND paymentAttempt = :a',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid', ':issued': 'issued', ':at': txn.createdAt, ':txn': txn.transactionId, ':a': attemptId },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: keys.invoiceReportEntry(invoice.orgId, invoice.issuedAt as string, invoice.invoiceId),
            UpdateExpression: 'SET #s = :paid, paidAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':paid': 'paid', ':at': txn.createdAt },
          },
        },
        { Put: { TableName: tableName(), Item: { ...keys.billingTransaction(txn.orgId, txn.createdAt, txn.transactionId), [ET]: TRANSACTION_ET, ...txn } } },
        { Update: { TableName: tableName(), Key: keys.billingSummary(invoice.orgId), UpdateExpression: 'REMOVE #u', ExpressionAttributeNames: { '#u': unpaidAttr(invoice.invoiceId) } } },
      ],
      now,
    );
  },

  async findIdempotent(ctx) {
    const item = await getItem(keys.idempotency(ctx.scope, ctx.key));
    if (!item || item.fingerprint !== ctx.fingerprint) return undefined;
    return { status: item.status as number, body: item.body };
  },

  unpaidInvoices,
});

export type { Page };

// ---------------------------------------------------------------------------------------------------------
// BI-5 account lifecycle

/** P82: the profile's status, conditional on its current one, with its email in the same transaction. */
export const accountStatusStore = (mail: { sealer: () => Promise<Sealer> }): AccountStatusStore => ({
  async setStatus(userId, from, to, at, email) {
    const values: Record<string, unknown> = { ':to': to, ':at': at };
    from.forEach((f, i) => (values[`:f${i}`] = f));
    const update: TransactItem = {
      Update: {
        TableName: tableName(),
        Key: keys.user(userId),
        UpdateExpression: 'SET #s = :to, updatedAt = :at',
        ConditionExpression: `attribute_exists(pk) AND #s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: values,
      },
    };
    try {
      await transact([update, ...(email ? [outboxItem(email, await mail.sealer())] : [])]);
      return true;
    } catch (e) {
      if (cancellationCodes(e)?.[0] === 'ConditionalCheckFailed') return false;
      throw e;
    }
  },
  load: (userId) => dynamoPrincipalStore.load(userId) as ReturnType<AccountStatusStore['load']>,
});
