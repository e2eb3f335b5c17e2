import type { Clock } from '#shared/lib/ids.ts';
import { requireBillingReport } from '../billing/report-switch.ts';
import type { TicketSummary } from '../desk/model.ts';
import type { Principal } from '../identity/model.ts';
import { dateRange, memberOf } from './common.ts';
import { type Cell, csvLine, formatMinor } from './csv.ts';
import type { ContractRequest } from './model.ts';
import type { ContractRequestReportSource, InvoiceReportRow, InvoiceReportSource, OrderReportSource, ReportRange } from './ports.ts';

/**
 * AC-8 reports: CSV of the org's orders, support tickets or invoices created in a date range, for users
 * with report access. Each kind is a generator (columns + rows from its sources) in `REPORT_GENERATORS`; a
 * new kind is one entry. Rows are produced page by page from DynamoDB into the CSV writer, never a whole
 * table in memory, and bounded: at most REPORT_MAX_DAYS per request and REPORT_MAX_ROWS rows (the answer
 * says when it was cut, so the caller narrows the range).
 */
export const REPORT_KINDS = ['orders', 'tickets', 'invoices'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_DEFAULT_DAYS = 90;
export const REPORT_MAX_DAYS = 366;
export const REPORT_MAX_ROWS = 10_000;

export interface ReportSources extends OrderReportSource, ContractRequestReportSource, InvoiceReportSource {}

export interface ReportGenerator {
  columns: readonly string[];
  rows(sources: ReportSources, orgId: string, range: ReportRange): AsyncIterable<Cell[]>;
}

async function* itemsOf<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

/**
 * Merges two streams that are each ordered newest first into one ordered newest first, pulling from each
 * only as far as needed.
 */
export async function* mergeNewestFirst<A, B>(a: AsyncIterable<A>, b: AsyncIterable<B>, timeOfA: (x: A) => string, timeOfB: (x: B) => string): AsyncGenerator<{ a: A } | { b: B }> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  try {
    let na = await ia.next();
    let nb = await ib.next();
    while (!na.done || !nb.done) {
      if (!na.done && (nb.done || timeOfA(na.value) >= timeOfB(nb.value))) {
        yield { a: na.value };
        na = await ia.next();
      } else if (!nb.done) {
        yield { b: nb.value };
        nb = await ib.next();
      }
    }
  } finally {
    // A consumer that stops early (the row cap) stops both sources too.
    await Promise.all([ia.return?.(), ib.return?.()]);
  }
}

const orderRow = (t: TicketSummary): Cell[] => [t.reference, t.createdAt, t.status, t.internalReference, t.requester.name, t.apprentice, t.updatedAt];

const serviceRequestSummary = (r: ContractRequest) => `${r.kind} to ${r.plan}, ${r.durationMonths} months: ${r.serials.join(' ')}`;

const invoiceRow = (i: InvoiceReportRow): Cell[] => [
  i.invoiceNumber,
  i.issuedAt,
  i.dueDate,
  i.status,
  i.currency,
  { raw: formatMinor(i.totalMinor) },
  i.ticketReferences?.join(' '),
];

export const REPORT_GENERATORS: Readonly<Record<ReportKind, ReportGenerator>> = {
  orders: {
    columns: ['reference', 'created_at', 'status', 'internal_reference', 'requester', 'apprentice', 'updated_at'],
    async *rows(s, orgId, range) {
      for await (const t of itemsOf(s.orderPages(orgId, range))) yield orderRow(t);
    },
  },
  tickets: {
    // Support tickets: the device requests' tickets and the service requests, in one timeline.
    columns: ['kind', 'reference', 'created_at', 'status', 'requester', 'summary', 'updated_at'],
    async *rows(s, orgId, range) {
      const merged = mergeNewestFirst(itemsOf(s.orderPages(orgId, range)), itemsOf(s.contractRequestPages(orgId, range)), (t) => t.createdAt, (r) => r.createdAt);
      for await (const x of merged) {
        if ('a' in x) yield ['device_request', x.a.reference, x.a.createdAt, x.a.status, x.a.requester.name, x.a.internalReference, x.a.updatedAt];
        else yield ['service_request', x.b.reference, x.b.createdAt, x.b.status, x.b.requester.name, serviceRequestSummary(x.b), x.b.createdAt];
      }
    },
  },
  invoices: {
    columns: ['invoice_number', 'issued_at', 'due_date', 'status', 'currency', 'total', 'tickets'],
    async *rows(s, orgId, range) {
      // BI-1: invoices, in a report too, only while the org's billing report is on (checked on the first page).
      let first = true;
      for await (const page of s.invoicePages(orgId, range)) {
        if (first) requireBillingReport(page.report);
        first = false;
        for (const i of page.rows) yield invoiceRow(i);
      }
    },
  },
};

export interface Report {
  fileName: string;
  csv: string;
  rows: number;
  truncated: boolean;
}

/** Builds the CSV of one report for the caller's org, page by page. */
export async function generateReport(
  kind: ReportKind,
  q: { from?: string | undefined; to?: string | undefined },
  auth: Principal,
  deps: { sources: ReportSources; clock: Clock; generators?: Readonly<Record<ReportKind, ReportGenerator>> },
): Promise<Report> {
  const org = memberOf(auth);
  const range = dateRange(q, deps.clock.now(), REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS);
  const generator = (deps.generators ?? REPORT_GENERATORS)[kind];
  const parts: string[] = [csvLine(generator.columns)];
  let rows = 0;
  let truncated = false;
  for await (const row of generator.rows(deps.sources, org.orgId, range)) {
    if (rows === REPORT_MAX_ROWS) {
      truncated = true;
      break;
    }
    parts.push(csvLine(row));
    rows++;
  }
  return { fileName: `${kind}_${range.from.slice(0, 10)}_${range.to.slice(0, 10)}.csv`, csv: parts.join(''), rows, truncated };
}
