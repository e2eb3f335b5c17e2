import type { ContractRequestReportSource, InvoiceReportRow, InvoiceReportSource, OrderReportSource } from '#shared/domain/account/ports.ts';
import type { ContractRequest } from '#shared/domain/account/model.ts';
import type { DeskStore } from '#shared/domain/desk/ports.ts';
import { type Item, query, strip } from '../commands.ts';
import { keys } from '../keys.ts';

/**
 * The sources of the account reports (AC-8), each an async sequence of DynamoDB pages, newest first, read
 * one page at a time as the CSV is written: orders from the desk's list entries (through the desk's own
 * store), service requests (P61) and invoices (P66, billing's items) from plain Queries.
 */

/** Items per DynamoDB page (well under the 1 MB page limit for these small items). */
export const REPORT_PAGE_SIZE = 500;

async function* pages(input: { partition: string; range: [string, string] }): AsyncGenerator<Item[]> {
  let lastKey: Item | undefined;
  do {
    const out = await query({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': input.partition, ':lo': input.range[0], ':hi': input.range[1] },
      ScanIndexForward: false,
      Limit: REPORT_PAGE_SIZE,
      ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
    });
    yield out.Items;
    lastKey = out.LastEvaluatedKey;
  } while (lastKey);
}

export function orderReportSource(desk: Pick<DeskStore, 'listOrgTickets'>): OrderReportSource {
  return {
    async *orderPages(orgId, range) {
      let lastKey: Record<string, unknown> | undefined;
      do {
        const page = await desk.listOrgTickets(orgId, { from: range.from, to: range.to }, REPORT_PAGE_SIZE, lastKey, false);
        yield page.items;
        lastKey = page.lastKey;
      } while (lastKey);
    },
  };
}

export const contractRequestReportSource: ContractRequestReportSource = {
  async *contractRequestPages(orgId, range) {
    for await (const items of pages({ partition: keys.contractRequestsPartition(orgId), range: keys.contractRequestRange(range.from, range.to) })) {
      yield items.map((i) => strip<ContractRequest>(i));
    }
  },
};

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Billing's invoice item as the report reads it; unknown or missing fields stay empty rather than fail. */
export function invoiceRowOf(item: Record<string, unknown>): InvoiceReportRow {
  const total = item.totalMinor ?? item.total;
  return {
    invoiceId: str(item.invoiceId) ?? '',
    invoiceNumber: str(item.invoiceNumber) ?? str(item.invoiceId) ?? '',
    issuedAt: str(item.issuedAt) ?? '',
    dueDate: str(item.dueDate),
    status: str(item.status) ?? '',
    currency: str(item.currency) ?? '',
    totalMinor: typeof total === 'number' && Number.isFinite(total) ? Math.trunc(total) : 0,
    ticketReferences: Array.isArray(item.ticketReferences) ? item.ticketReferences.filter((r): r is string => typeof r === 'string') : undefined,
  };
}

/**
 * P66 with the billing report switch (P72) in the same Query: newest first from the switch's mirror, which
 * sorts after every invoice, down to the range's start; a filter drops what lies between the range's end and
 * the mirror (invoices issued after the range), so the switch costs no extra call.
 */
export const invoiceReportSource: InvoiceReportSource = {
  async *invoicePages(orgId, range) {
    const [lo] = keys.invoiceReportRange(range.from, range.to);
    const { sk: switchSk } = keys.invoiceListSwitch(orgId);
    let lastKey: Item | undefined;
    let first = true;
    do {
      const out = await query({
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :switch',
        // A filter may not name the sort key: the entry's issuedAt (its sort key's time), or the switch.
        FilterExpression: '#issuedAt <= :to OR attribute_exists(#reportEnabled)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', '#issuedAt': 'issuedAt', '#reportEnabled': 'reportEnabled' },
        ExpressionAttributeValues: { ':pk': keys.invoiceReportPartition(orgId), ':lo': lo, ':to': range.to, ':switch': switchSk },
        ScanIndexForward: false,
        // The switch is read as written, like the lists' first pages (an invoice just issued shows too).
        ConsistentRead: true,
        Limit: REPORT_PAGE_SIZE,
        ...(lastKey ? { ExclusiveStartKey: lastKey } : {}),
      });
      const head = first && out.Items[0]?.sk === switchSk ? out.Items[0] : undefined;
      yield {
        rows: (head ? out.Items.slice(1) : out.Items).map(invoiceRowOf),
        ...(first ? { report: head ? { reportEnabled: head.reportEnabled !== false } : undefined } : {}),
      };
      first = false;
      lastKey = out.LastEvaluatedKey;
    } while (lastKey);
  },
};
