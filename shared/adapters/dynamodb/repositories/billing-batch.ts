import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BillableTicket, Invoice, UnpaidInvoice } from '#shared/domain/billing/model.ts';
import type { AddLineOutcome, BatchCheckpoint, BillingBatchStore, LineReference, NewLine } from '#shared/domain/billing/ports.ts';
import type { Sealer } from '#shared/domain/email/ports.ts';
import { forEachLimited } from '#shared/lib/concurrency.ts';
import { ET, Expr, type Item, type TransactItem, cancellationCodes, getItem, isConditionFailure, putItem, query, send, strip, tableName, transact, updateItem } from '../commands.ts';
import { withContentionRetry } from '../contention.ts';
import { keys } from '../keys.ts';
import { getInvoice, orgBilling, outboxItem } from './billing.ts';

/**
 * The BI-2 invoice batch's items (docs/data-model.md P77-P81) as plain DocumentClient commands; the reads
 * shared with the routes (P70 org billing, the invoice header) come from billing.ts.
 */

/** Concurrent batch runs meet on the same invoice and counter: their transactions are retried. */
const retryContention = <T>(fn: () => Promise<T>) => withContentionRetry(fn, 10);
/** P71: one attribute per unpaid invoice on the org's billing summary (billing-summary.ts reads them). */
const unpaidAttr = (invoiceId: string) => `unpaid_${invoiceId}`;

function ticketOf(it: Item): BillableTicket {
  const history = (it.history as { to: string; at: string }[] | undefined) ?? [];
  const ready = [...history].reverse().find((h) => h.to === 'ready_to_bill');
  return {
    orgId: it.orgId as string,
    ticketId: it.ticketId as string,
    number: it.number as number,
    reference: it.reference as string,
    internalReference: it.internalReference as string | undefined,
    createdAt: it.createdAt as string,
    readyAt: ready?.at ?? (it.updatedAt as string),
    shipDate: it.shipDate as string | undefined,
    deviceModel: it.deviceModel as string | undefined,
    serialNumbers: it.serialNumbers as string[] | undefined,
    deliveryAddress: it.deliveryAddress as BillableTicket['deliveryAddress'],
    requester: it.requester as BillableTicket['requester'],
    invoiceId: it.invoiceId as string | undefined,
  };
}

/** TransactWriteItems' limit; a line takes 2 actions (the line, its ticket), its header 1 per transaction. */
const MAX_TRANSACT_ACTIONS = 100;
const LINES_PER_HEADER = Math.floor((MAX_TRANSACT_ACTIONS - 1) / 2);
/** Line transactions in flight at once (they touch disjoint headers). */
const PARALLEL_TRANSACTIONS = 4;

/**
 * One transaction of line chunks (each chunk: lines of one invoice): per line its put (conditional on
 * absence) and its ticket's invoice reference (conditional: none yet, still Ready to bill), per chunk one
 * header update (running net and line count; conditional: still a draft). The header never grows with its
 * lines. A failed condition cancels the transaction: the lines it names are dropped with their outcome (a
 * failed header drops its whole chunk) and the rest is written again.
 */
async function writeLines(chunks: number[][], lines: readonly NewLine[], outcomes: AddLineOutcome[]): Promise<void> {
  let live = chunks.map((c) => [...c]);
  for (;;) {
    live = live.filter((c) => c.length > 0);
    if (!live.length) return;
    const items: TransactItem[] = [];
    const owners: ({ line: number } | { chunk: number[] })[] = [];
    for (const chunk of live) {
      let net = 0;
      for (const i of chunk) {
        const { line, ticket } = lines[i] as NewLine;
        net += line.netMinor;
        items.push({
          Put: {
            TableName: tableName(),
            Item: { ...keys.invoiceLine(line.invoiceId, line.ticketNumber, line.ticketId), [ET]: 'InvoiceLine', ...line },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        items.push({
          Update: {
            TableName: tableName(),
            Key: keys.ticket(ticket.orgId, ticket.ticketId),
            UpdateExpression: 'SET invoiceId = :inv',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(invoiceId) AND #status = :rtb',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':inv': line.invoiceId, ':rtb': 'ready_to_bill' },
          },
        });
        owners.push({ line: i }, { line: i });
      }
      items.push({
        Update: {
          TableName: tableName(),
          Key: keys.invoice((lines[chunk[0] as number] as NewLine).line.invoiceId),
          UpdateExpression: 'SET netMinor = netMinor + :net, lineCount = lineCount + :n',
          ConditionExpression: '#status = :draft',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':net': net, ':n': chunk.length, ':draft': 'draft' },
        },
      });
      owners.push({ chunk });
    }
    try {
      await retryContention(() => transact(items));
      return;
    } catch (e) {
      const c = cancellationCodes(e);
      if (!c) throw e;
      const closed = new Set<number>();
      const invoiced = new Set<number>();
      c.forEach((code, k) => {
        if (code !== 'ConditionalCheckFailed') return;
        const owner = owners[k];
        if (owner && 'chunk' in owner) for (const i of owner.chunk) closed.add(i);
        else if (owner) invoiced.add(owner.line);
      });
      if (!closed.size && !invoiced.size) throw e;
      for (const i of closed) outcomes[i] = 'invoice_closed';
      for (const i of invoiced) if (!closed.has(i)) outcomes[i] = 'already_invoiced';
      live = live.map((chunk) => chunk.filter((i) => !closed.has(i) && !invoiced.has(i)));
    }
  }
}

export const billingBatchStore = (mail: { sealer: Sealer }): BillingBatchStore => ({
  async readyToBillPage(limit, after) {
    const out = await query({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': keys.ticketsByStatusPartition('ready_to_bill') },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: after } : {}),
    });
    return { items: out.Items.map(ticketOf), lastKey: out.LastEvaluatedKey };
  },

  async getCheckpoint(runKey) {
    const item = await getItem(keys.batchCheckpoint(runKey));
    return item ? strip<BatchCheckpoint>(item) : undefined;
  },

  async saveCheckpoint(cp) {
    const { lastKey, ...rest } = cp;
    await putItem({ ...keys.batchCheckpoint(cp.runKey), [ET]: 'BatchCheckpoint', ...rest, ...(lastKey ? { lastKey } : {}) });
  },

  orgBilling,
  getInvoice,

  async recordVatCheck(orgId, vatId, check) {
    try {
      await updateItem(keys.billingSettings(orgId), new Expr().set(check).equals('vatId', vatId));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async createDraft(invoice) {
    try {
      await send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.invoice(invoice.invoiceId), ...keys.invoiceDraft(invoice.runKey, invoice.createdAt, invoice.invoiceId), [ET]: 'Invoice', ...invoice },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  },

  async addLines(lines) {
    const outcomes: AddLineOutcome[] = lines.map(() => 'added');
    // Round r holds the r-th chunk of each invoice's lines: within a round no two transactions touch the same
    // header, so they run side by side without conflicting; rounds run one after the other.
    const byInvoice = new Map<string, number[]>();
    lines.forEach((l, i) => {
      const of = byInvoice.get(l.line.invoiceId);
      if (of) of.push(i);
      else byInvoice.set(l.line.invoiceId, [i]);
    });
    const rounds: number[][][] = [];
    for (const of of byInvoice.values()) {
      for (let r = 0; r * LINES_PER_HEADER < of.length; r++) (rounds[r] ??= []).push(of.slice(r * LINES_PER_HEADER, (r + 1) * LINES_PER_HEADER));
    }
    for (const chunks of rounds) {
      const transactions: number[][][] = [];
      let current: number[][] = [];
      let size = 0;
      for (const chunk of chunks) {
        const actions = chunk.length * 2 + 1;
        if (size + actions > MAX_TRANSACT_ACTIONS) {
          transactions.push(current);
          current = [];
          size = 0;
        }
        current.push(chunk);
        size += actions;
      }
      if (current.length) transactions.push(current);
      await forEachLimited(transactions, PARALLEL_TRANSACTIONS, (t) => writeLines(t, lines, outcomes));
    }
    return outcomes;
  },

  async lineReferences(invoiceId) {
    const refs: LineReference[] = [];
    let after: Item | undefined;
    do {
      const out = await query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :line)',
        ProjectionExpression: '#t, #r',
        ExpressionAttributeNames: { '#t': 'ticketId', '#r': 'reference' },
        ExpressionAttributeValues: { ':pk': keys.invoicePartition(invoiceId), ':line': keys.invoiceLineSkPrefix },
        ConsistentRead: true,
        ...(after ? { ExclusiveStartKey: after } : {}),
      });
      for (const it of out.Items) refs.push({ ticketId: it.ticketId as string, reference: it.reference as string });
      after = out.LastEvaluatedKey;
    } while (after);
    return refs;
  },

  async draftsOfRun(runKey, limit, after) {
    const out = await query({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': keys.invoiceDraftPartition(runKey) },
      Limit: limit,
      ...(after ? { ExclusiveStartKey: after } : {}),
    });
    return { items: out.Items.map((i) => strip<Invoice>(i)), lastKey: out.LastEvaluatedKey };
  },

  async issue(write, sellerId) {
    for (let attempt = 1; ; attempt++) {
      const counter = await getItem(keys.invoiceCounter(sellerId));
      const prev = (counter?.seq as number | undefined) ?? 0;
      const { invoice, emails } = write(prev + 1);
      const unpaid: UnpaidInvoice = { invoiceId: invoice.invoiceId, number: invoice.number as string, dueDate: invoice.dueDate as string, totalMinor: invoice.totalMinor as number, currency: invoice.currency };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.invoiceCounter(sellerId), [ET]: 'InvoiceCounter', sellerId, seq: prev + 1 },
            ConditionExpression: prev === 0 ? 'attribute_not_exists(pk)' : 'seq = :prev',
            ...(prev === 0 ? {} : { ExpressionAttributeValues: { ':prev': prev } }),
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.invoice(invoice.invoiceId), [ET]: 'Invoice', ...invoice },
            ConditionExpression: '#status = :draft AND lineCount = :lc',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':draft': 'draft', ':lc': invoice.lineCount },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.invoiceReportEntry(invoice.orgId, invoice.issuedAt as string, invoice.invoiceId),
              [ET]: 'InvoiceEntry',
              orgId: invoice.orgId,
              invoiceId: invoice.invoiceId,
              invoiceNumber: invoice.number,
              issuedAt: invoice.issuedAt,
              dueDate: invoice.dueDate,
              status: 'issued',
              currency: invoice.currency,
              totalMinor: invoice.totalMinor,
              period: invoice.period,
              ticketReferences: invoice.ticketReferences,
            },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: keys.billingSummary(invoice.orgId),
            UpdateExpression: 'SET #u = :u, orgId = :o, #et = :et',
            ExpressionAttributeNames: { '#u': unpaidAttr(invoice.invoiceId), '#et': ET },
            ExpressionAttributeValues: { ':u': unpaid, ':o': invoice.orgId, ':et': 'BillingSummary' },
          },
        },
        ...emails.map((e) => outboxItem(e, mail.sealer)),
      ];
      try {
        await retryContention(() => transact(items));
        return { issued: true, invoice };
      } catch (e) {
        const c = cancellationCodes(e);
        if (!c) throw e;
        if (c[1] === 'ConditionalCheckFailed') {
          const now = await getInvoice(invoice.invoiceId);
          if (!now || now.status !== 'draft') return { issued: false };
          // lines were added meanwhile: the caller issues again from a fresh read
          return { issued: false, invoice: now };
        }
        if (c[0] === 'ConditionalCheckFailed' && attempt < 20) {
          await sleep(randomInt(5, 40));
          continue;
        }
        throw e;
      }
    }
  },
});
