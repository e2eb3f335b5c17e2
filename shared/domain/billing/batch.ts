import { createHash } from 'node:crypto';
import type { Clock } from '#shared/lib/ids.ts';
import type { EmailRequest } from '../email/ports.ts';
import { type BillableTicket, type Invoice, type InvoiceLine, type OrgBilling, SELLER, unitPriceOf } from './model.ts';
import { formatMoney, rateFor, totalsOf, vatTreatment } from './money.ts';
import { type BatchTarget, type Period, localDate, parseTarget, periodOf } from './period.ts';
import type { BatchCheckpoint, BillingBatchStore, NewLine, VatRegistry } from './ports.ts';
import { recheckVat } from './vat.ts';
import { forEachLimited } from '#shared/lib/concurrency.ts';

/**
 * BI-2 scheduled invoice batches. One entry point for the Lambda handler (EventBridge Scheduler), the
 * local script (`npm run invoice-batch`) and the bench:
 *
 * - it pages through the tickets in Ready to bill on the status index (Query + ExclusiveStartKey, never a
 *   Scan, one page in memory at a time), keeping those of orgs billed in this run's mode that reached Ready
 *   to bill before the period's end;
 * - invoice ids are deterministic: per-order orgs get one invoice per order (ticket), quarterly orgs one per
 *   org and quarter; the draft header is a conditional put, each line is written atomically with the
 *   ticket's invoice reference (conditional on the ticket having none) and the header's running net and line
 *   count, so a second run - sequential or concurrent - adds nothing twice;
 * - issuing reads the draft's lines once (their ticket references go on the header and the org's list
 *   entry), takes the seller's next invoice number and flips the draft in one transaction (conditional on the
 *   counter and on the line count read), so numbers have no gaps and an invoice is issued (and emailed) once;
 * - after every page a checkpoint (last evaluated key and counters) is saved: a run that died continues
 *   where it stopped; the drafts it left are found on a sparse index and issued at the end.
 * Cost is linear: work per line is constant (the draft header holds counters only, never a list that grows
 * with its lines, which made the 1,000-line invoices of 100k tickets quadratic); a page's lines go in
 * transactions of up to 100 actions, a few at once; per org one settings read and one VAT check (+ one read
 * of its lines when issued); per page one checkpoint write; per-order orgs add a draft put and an issue per
 * ticket.
 */

export interface BatchInput {
  date?: string | undefined;
  period?: string | undefined;
  /** Restrict the run to these orgs (re-running one org's batch; tests). */
  orgIds?: readonly string[] | undefined;
  /** Tickets per page read (default DEFAULT_PAGE_SIZE). */
  pageSize?: number | undefined;
}

export interface BatchDeps {
  store: BillingBatchStore;
  vat: VatRegistry;
  clock: Clock;
  /** The vendor's billing time zone (stage config). */
  timeZone: string;
  /** The portal's invoices page, linked from the email. */
  invoicesUrl?: string | undefined;
}

export interface BatchProgress {
  runKey: string;
  phase: 'lines' | 'issue' | 'done';
  pages: number;
  ticketsSeen: number;
  linesAdded: number;
  invoicesIssued: number;
}

export interface BatchResult extends BatchProgress {
  /** False when `shouldStop` ended the run early: the checkpoint holds its position for the next run. */
  complete: boolean;
  period: Period;
  /** The page the run started from (0: from the beginning; more: resumed an interrupted run). */
  resumedAtPage: number;
}

const ORG_CACHE_LIMIT = 1000;
/** Org reads and draft puts of a page in flight at once. */
const PARALLEL_READS = 8;
/** Settings reads for one org's VAT re-check when admins keep changing the VAT ID under the run. */
const VAT_RECHECK_READS = 3;

/** Deterministic ids: `inv_` + 20 base32 chars of a hash of what the invoice covers. */
export function invoiceIdFor(parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  let out = '';
  for (let i = 0; i < 20; i++) out += ALPHABET[(digest[i] as number) % 32];
  return `inv_${out}`;
}

export function runKeyOf(period: Period, orgIds?: readonly string[]): string {
  const base = `${period.mode === 'per_order' ? 'order' : 'quarter'}-${period.label}`;
  if (!orgIds?.length) return base;
  return `${base}-orgs-${createHash('sha256').update([...orgIds].sort().join(',')).digest('hex').slice(0, 12)}`;
}

const oneLine = (a: BillableTicket['deliveryAddress']) =>
  [a.recipient, a.company, a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter((p) => p !== undefined && p !== '').join(', ');

export function lineOf(invoiceId: string, t: BillableTicket): InvoiceLine {
  const quantity = Math.max(1, t.serialNumbers?.length ?? 0);
  const unitPriceMinor = unitPriceOf(t.deviceModel);
  return {
    invoiceId,
    ticketId: t.ticketId,
    ticketNumber: t.number,
    reference: t.reference,
    ...(t.internalReference !== undefined ? { internalReference: t.internalReference } : {}),
    dataEntryDate: t.createdAt.slice(0, 10),
    ...(t.shipDate !== undefined ? { shipDate: t.shipDate } : {}),
    deviceModel: t.deviceModel ?? 'Device',
    quantity,
    unitPriceMinor,
    netMinor: unitPriceMinor * quantity,
    deliveryAddress: oneLine(t.deliveryAddress),
    ticketCreatedAt: t.createdAt,
    requester: t.requester,
  };
}

export function invoiceNumber(n: number): string {
  return `${SELLER.numberPrefix}-${String(n).padStart(7, '0')}`;
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Issues one draft: `issued`; `skipped` for an issued or empty one; `stale` when lines were added between
 * the read and the write (a concurrent run): the caller reads it again.
 */
export async function issueDraft(invoiceId: string, org: OrgBilling, deps: Omit<BatchDeps, 'vat'>): Promise<'issued' | 'skipped' | 'stale'> {
  const draft = await deps.store.getInvoice(invoiceId);
  if (!draft || draft.status !== 'draft' || draft.lineCount === 0) return 'skipped';
  // Lines and the header's count are written together; more lines than counted: added since the header read.
  const refs = await deps.store.lineReferences(invoiceId);
  if (refs.length !== draft.lineCount) return 'stale';
  const settings = org.settings;
  const buyerCountry = (org.address?.country ?? org.country).toUpperCase();
  const treatment = vatTreatment(SELLER.address.country, { country: buyerCountry, vatVerified: settings.vatStatus === 'verified' && settings.vatId !== undefined });
  const rate = rateFor(treatment, SELLER.address.country);
  const totals = totalsOf(new Map([[rate, draft.netMinor]]));
  const now = deps.clock.now();
  const issueDate = localDate(now, deps.timeZone);
  const dueDate = addDays(issueDate, SELLER.paymentTermsDays);
  const recipients = settings.contacts.length ? settings.contacts : [draft.fallbackRecipient];
  const out = await deps.store.issue((n) => {
    const number = invoiceNumber(n);
    const invoice: Invoice = {
      ...draft,
      ticketReferences: refs.map((r) => r.reference),
      status: 'issued',
      number,
      issuedAt: now.toISOString(),
      issueDate,
      dueDate,
      seller: { name: SELLER.name, address: { ...SELLER.address }, vatId: SELLER.vatId },
      buyer: {
        name: org.orgName,
        address: org.address ?? { name: org.orgName, line1: '', city: '', country: buyerCountry },
        ...(settings.vatId ? { vatId: settings.vatId, vatStatus: settings.vatStatus ?? 'unchecked' } : {}),
      },
      vatTreatment: treatment,
      ...totals,
    };
    const emails: EmailRequest[] = recipients.map((r) => ({
      template: 'invoice_issued',
      locale: r.locale,
      to: r.email,
      data: {
        name: r.name,
        orgName: org.orgName,
        invoiceNumber: number,
        total: formatMoney(totals.totalMinor, draft.currency, r.locale),
        dueDate,
        ...(deps.invoicesUrl ? { url: `${deps.invoicesUrl.replace(/\/$/, '')}/${invoiceId}` } : {}),
      },
    }));
    return { invoice, emails };
  }, SELLER.sellerId);
  if (out.issued) return 'issued';
  return out.invoice?.status === 'draft' ? 'stale' : 'skipped';
}

export interface BatchOptions {
  onProgress?: (p: BatchProgress) => void;
  /** Asked after each page (e.g. the Lambda's remaining time): true stops the run, resumable from its checkpoint. */
  shouldStop?: () => boolean;
}

/**
 * Tickets read per page (one P77 Query, at most 1 MB; one checkpoint each). 500 rather than 100: a page's lines
 * share fewer header updates per line (about 5 lines per org per page over 100 orgs), the run needs a fifth of
 * the deep index pages, and memory still holds one page only.
 */
export const DEFAULT_PAGE_SIZE = 500;

export async function runInvoiceBatch(input: BatchInput, deps: BatchDeps, opts: BatchOptions = {}): Promise<BatchResult> {
  const target: BatchTarget = parseTarget(input);
  const period = periodOf(target, deps.timeZone);
  const runKey = runKeyOf(period, input.orgIds);
  const only = input.orgIds?.length ? new Set(input.orgIds) : undefined;
  const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
  const { store } = deps;

  const startedAt = deps.clock.now().toISOString();
  const previous = await store.getCheckpoint(runKey);
  // A run that stopped half-way continues from its last page; a finished one is run again from the start
  // (cheap: invoiced tickets are skipped), so late tickets of the same period are not lost.
  const cp: BatchCheckpoint =
    previous && previous.status === 'running'
      ? { ...previous }
      : { runKey, status: 'running', pages: 0, ticketsSeen: 0, linesAdded: 0, invoicesIssued: 0, startedAt, updatedAt: startedAt };
  const resumedAtPage = cp.pages;

  const orgs = new Map<string, OrgBilling | undefined>();
  const vatChecked = new Set<string>();
  const drafted = new Set<string>();
  async function orgOf(orgId: string): Promise<OrgBilling | undefined> {
    if (orgs.has(orgId)) return orgs.get(orgId);
    if (orgs.size >= ORG_CACHE_LIMIT) orgs.clear();
    const org = await store.orgBilling(orgId);
    orgs.set(orgId, org);
    return org;
  }
  /**
   * BI-4: the VAT ID is re-checked (once per org and run) before the org's first invoice of the run. When an
   * admin changed the VAT ID since the run read the settings, the run reads them again and checks the new ID
   * (VAT_RECHECK_READS reads at most; past them the invoice takes the last read settings, their status as stored).
   */
  async function orgForIssue(orgId: string): Promise<OrgBilling | undefined> {
    let org = await orgOf(orgId);
    if (!org || vatChecked.has(orgId)) return org;
    for (let read = 1; ; read++) {
      const settings = await recheckVat(org.settings, { vat: deps.vat, clock: deps.clock, store });
      if (settings || read >= VAT_RECHECK_READS) {
        const updated: OrgBilling = settings ? { ...org, settings } : org;
        orgs.set(orgId, updated);
        vatChecked.add(orgId);
        return updated;
      }
      const fresh = await store.orgBilling(orgId);
      orgs.set(orgId, fresh);
      if (!fresh) return undefined;
      org = fresh;
    }
  }
  const progress = (phase: BatchProgress['phase']) =>
    opts.onProgress?.({ runKey, phase, pages: cp.pages, ticketsSeen: cp.ticketsSeen, linesAdded: cp.linesAdded, invoicesIssued: cp.invoicesIssued });

  async function issue(invoiceId: string, orgId: string) {
    const org = await orgForIssue(orgId);
    if (!org) return;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const outcome = await issueDraft(invoiceId, org, deps);
      if (outcome === 'issued') cp.invoicesIssued++;
      if (outcome !== 'stale') return;
    }
  }

  // Phase 1: lines, page by page.
  let after = cp.lastKey;
  if (!(previous?.status === 'running' && previous.lastKey === undefined && previous.pages > 0)) {
    do {
      const page = await store.readyToBillPage(pageSize, after);
      const candidates: BillableTicket[] = [];
      for (const t of page.items) {
        cp.ticketsSeen++;
        if (only && !only.has(t.orgId)) continue;
        if (t.invoiceId !== undefined || t.readyAt >= period.end) continue;
        candidates.push(t);
      }
      await forEachLimited([...new Set(candidates.map((t) => t.orgId))], PARALLEL_READS, async (orgId) => void (await orgOf(orgId)));
      const lines: NewLine[] = [];
      const drafts = new Map<string, Invoice>();
      for (const t of candidates) {
        const org = await orgOf(t.orgId);
        if (!org || org.settings.mode !== period.mode) continue;
        const invoiceId = period.mode === 'per_order' ? invoiceIdFor([t.orgId, 'order', t.ticketId]) : invoiceIdFor([t.orgId, 'quarter', period.label]);
        if (!drafted.has(invoiceId) && !drafts.has(invoiceId)) {
          drafts.set(invoiceId, {
            invoiceId,
            orgId: t.orgId,
            orgName: org.orgName,
            runKey,
            mode: period.mode,
            period: period.mode === 'per_order' ? t.reference : period.label,
            status: 'draft',
            currency: SELLER.currency,
            lineCount: 0,
            netMinor: 0,
            ticketReferences: [],
            fallbackRecipient: { name: t.requester.name, email: t.requester.email, locale: t.requester.locale },
            createdAt: deps.clock.now().toISOString(),
          });
        }
        lines.push({ line: lineOf(invoiceId, t), ticket: t });
      }
      await forEachLimited([...drafts.values()], PARALLEL_READS, async (d) => void (await store.createDraft(d)));
      if (drafted.size + drafts.size > ORG_CACHE_LIMIT) drafted.clear();
      for (const id of drafts.keys()) drafted.add(id);
      const outcomes = lines.length ? await store.addLines(lines) : [];
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome === 'added') cp.linesAdded++;
        const { line, ticket } = lines[i] as NewLine;
        // Per order: issued at once (also a draft an interrupted run left with this line).
        if (period.mode === 'per_order' && outcome !== 'invoice_closed') await issue(line.invoiceId, ticket.orgId);
      }
      after = page.lastKey;
      cp.pages++;
      cp.lastKey = after;
      cp.updatedAt = deps.clock.now().toISOString();
      await store.saveCheckpoint(cp);
      progress('lines');
      if (after && opts.shouldStop?.()) {
        return { runKey, phase: 'lines', complete: false, pages: cp.pages, ticketsSeen: cp.ticketsSeen, linesAdded: cp.linesAdded, invoicesIssued: cp.invoicesIssued, period, resumedAtPage };
      }
    } while (after);
  }

  // Phase 2: every draft of this run (also those an interrupted run left behind).
  let draftsAfter: Record<string, unknown> | undefined;
  do {
    const page = await store.draftsOfRun(runKey, 100, draftsAfter);
    for (const d of page.items) {
      if (only && !only.has(d.orgId)) continue;
      await issue(d.invoiceId, d.orgId);
      progress('issue');
    }
    draftsAfter = page.lastKey;
  } while (draftsAfter);

  cp.status = 'done';
  cp.updatedAt = deps.clock.now().toISOString();
  await store.saveCheckpoint(cp);
  progress('done');
  return { runKey, phase: 'done', complete: true, pages: cp.pages, ticketsSeen: cp.ticketsSeen, linesAdded: cp.linesAdded, invoicesIssued: cp.invoicesIssued, period, resumedAtPage };
}
