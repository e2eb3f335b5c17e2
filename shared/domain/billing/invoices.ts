import type { Clock, Ids } from '#shared/lib/ids.ts';
import { type Cursors, memberOf, pageOf, requireIdempotency } from '../account/common.ts';
import { MEMBER_ORG_CURSOR_MS, deskPager } from '../desk/tickets.ts';
import { billedChange } from '../desk/workflow.ts';
import type { DeskStore } from '../desk/ports.ts';
import { StaleWriteError } from '../desk/ports.ts';
import { ConflictError, ForbiddenError, NotFoundError, PaymentDeclinedError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import type { IdempotencyContext } from '../shared/idempotency.ts';
import type { BillingSettings, BillingTransaction, Invoice, InvoiceLine } from './model.ts';
import { formatRate } from './money.ts';
import { requireBillingReport } from './report-switch.ts';
import type { BillingStore, InvoiceFiles, InvoiceListEntry, InvoiceRenderer, PaymentGateway, SwitchedPage } from './ports.ts';

/**
 * BI-1 invoices (list paid/unpaid newest first, view, PDF, transactions) and BI-3 paying one with a card
 * on file. Invoices belong to the caller's active org: another org's invoice reads as missing (404).
 */

export const PDF_LINK_SECONDS = 300;

const invoiceNotFound = () => new NotFoundError('invoice_not_found', 'No such invoice.', 'path.invoiceId');

const money = (amountMinor: number, currency: string) => ({ amountMinor, currency });
const isOverdue = (dueDate: string, now: Date) => dueDate < now.toISOString().slice(0, 10);

export function invoiceSummaryView(e: InvoiceListEntry, now: Date) {
  return {
    invoiceId: e.invoiceId,
    number: e.invoiceNumber,
    status: e.status === 'paid' ? ('paid' as const) : ('unpaid' as const),
    overdue: e.status !== 'paid' && isOverdue(e.dueDate, now),
    issuedAt: e.issuedAt,
    dueDate: e.dueDate,
    period: e.period,
    total: money(e.totalMinor, e.currency),
    ticketCount: e.ticketReferences.length,
    ticketReferences: e.ticketReferences.slice(0, 100),
  };
}

export function lineView(l: InvoiceLine, currency: string) {
  return {
    ticketId: l.ticketId,
    ticketReference: l.reference,
    ...(l.internalReference !== undefined ? { internalReference: l.internalReference } : {}),
    dataEntryDate: l.dataEntryDate,
    ...(l.shipDate !== undefined ? { shipDate: l.shipDate } : {}),
    deviceModel: l.deviceModel,
    deliveryAddress: l.deliveryAddress,
    quantity: l.quantity,
    unitPrice: money(l.unitPriceMinor, currency),
    amount: money(l.netMinor, currency),
  };
}

export const REVERSE_CHARGE_NOTE = 'Reverse charge: VAT to be accounted for by the recipient (Article 196, Council Directive 2006/112/EC).';
export const EXPORT_NOTE = 'Export outside the EU: VAT exempt (Article 146, Council Directive 2006/112/EC).';

export function invoiceView(inv: Invoice, lines: InvoiceLine[], now: Date) {
  const c = inv.currency;
  const note = inv.vatTreatment === 'intra_eu_reverse_charge' ? REVERSE_CHARGE_NOTE : inv.vatTreatment === 'export' ? EXPORT_NOTE : undefined;
  return {
    invoiceId: inv.invoiceId,
    number: inv.number as string,
    status: inv.status === 'paid' ? ('paid' as const) : ('unpaid' as const),
    overdue: inv.status !== 'paid' && isOverdue(inv.dueDate as string, now),
    issueDate: inv.issueDate as string,
    issuedAt: inv.issuedAt as string,
    dueDate: inv.dueDate as string,
    period: inv.period,
    seller: inv.seller as NonNullable<Invoice['seller']>,
    buyer: inv.buyer as NonNullable<Invoice['buyer']>,
    lines: lines.sort((a, b) => a.ticketNumber - b.ticketNumber).map((l) => lineView(l, c)),
    subtotal: money(inv.subtotalMinor ?? 0, c),
    vat: (inv.vat ?? []).map((v) => ({ rate: formatRate(v.rateBp), rateBasisPoints: v.rateBp, net: money(v.netMinor, c), vat: money(v.vatMinor, c) })),
    vatTotal: money(inv.vatMinor ?? 0, c),
    total: money(inv.totalMinor ?? 0, c),
    ...(note ? { vatNote: note } : {}),
    ...(inv.paidAt ? { paidAt: inv.paidAt } : {}),
  };
}

/**
 * A cursor of a list guarded by the billing report switch stands in for the switch (the desk's "settings
 * beside the list", P15): it expires like the desk's, after 15 minutes; an older one is a 400 invalid_cursor.
 */
export const REPORT_CURSOR_MS = MEMBER_ORG_CURSOR_MS;

/**
 * Pages of a list guarded by the report switch: the first page's Query reads the switch with the entries (it
 * sorts after all of them), later pages carry that proof in their signed cursor for REPORT_CURSOR_MS. Turning
 * the report off therefore closes every first page at once; a cursor issued before may finish its list
 * within 15 minutes (the trade-off the desk makes for its sharing setting). Cursors are bound to the org,
 * the caller and the filters like every other list.
 */
async function reportGuardedPage<T>(
  deps: { cursors: Cursors; clock: Clock },
  scope: string[],
  cursor: string | undefined,
  read: (after: Record<string, unknown> | undefined) => Promise<SwitchedPage<T>>,
): Promise<{ items: T[]; nextCursor: string | undefined }> {
  const pages = deskPager(deps.cursors, scope.join('|'), deps.clock.now());
  const after = await pages.decode(cursor, REPORT_CURSOR_MS);
  const page = await read(after);
  if (after === undefined) requireBillingReport(page.report);
  return { items: page.items, nextCursor: await pages.encode(page.lastKey) };
}

/** BI-1 list: P1 and one Query (P72) that reads the report switch's mirror with the first page. */
export async function listInvoices(
  q: { status?: 'paid' | 'unpaid' | undefined; limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: { store: Pick<BillingStore, 'listInvoices'>; cursors: Cursors; clock: Clock },
) {
  const org = memberOf(auth);
  const page = await reportGuardedPage(deps, ['billing-invoices', org.orgId, auth.userId, q.status ?? 'all'], q.cursor, (after) =>
    deps.store.listInvoices(org.orgId, q.status, q.limit, after),
  );
  const now = deps.clock.now();
  return pageOf(page.items.map((e) => invoiceSummaryView(e, now)), page.nextCursor);
}

function visible(found: Awaited<ReturnType<BillingStore['invoiceWithLines']>>, orgId: string) {
  if (!found || found.invoice.orgId !== orgId || found.invoice.status === 'draft') throw invoiceNotFound();
  return found;
}

/** The billing report switch and the invoice, read in parallel. */
async function reportAndInvoice(invoiceId: string, orgId: string, store: Pick<BillingStore, 'getSettings' | 'invoiceWithLines'>) {
  const [settings, found] = await Promise.all([store.getSettings(orgId), store.invoiceWithLines(invoiceId)]);
  requireBillingReport(settings);
  return visible(found, orgId);
}

export async function getInvoice(invoiceId: string, auth: Principal, deps: { store: Pick<BillingStore, 'getSettings' | 'invoiceWithLines'>; clock: Clock }) {
  const org = memberOf(auth);
  const { invoice, lines } = await reportAndInvoice(invoiceId, org.orgId, deps.store);
  return invoiceView(invoice, lines, deps.clock.now());
}

export const invoicePdfKey = (inv: Pick<Invoice, 'orgId' | 'invoiceId'>) => `billing/${inv.orgId}/invoices/${inv.invoiceId}.pdf`;

/**
 * The PDF is rendered once (the first time it is asked for, in the caller's language), stored in the files
 * bucket and its key recorded on the invoice; every call returns a fresh presigned link valid
 * PDF_LINK_SECONDS. An issued invoice never changes, so the stored PDF never goes stale (the paid status is
 * not printed on it).
 */
export async function getInvoicePdf(
  invoiceId: string,
  auth: Principal,
  deps: { store: Pick<BillingStore, 'getSettings' | 'invoiceWithLines' | 'setPdfKey'>; files: InvoiceFiles; render: () => Promise<InvoiceRenderer>; clock: Clock },
) {
  const org = memberOf(auth);
  const { invoice, lines } = await reportAndInvoice(invoiceId, org.orgId, deps.store);
  const key = invoice.pdfKey ?? invoicePdfKey(invoice);
  if (!invoice.pdfKey) {
    const renderer = await deps.render();
    const pdf = await renderer({ invoice, lines, locale: auth.locale });
    await deps.files.put(key, pdf);
    await deps.store.setPdfKey(invoice.invoiceId, key);
  }
  const expiresAt = new Date(deps.clock.now().getTime() + PDF_LINK_SECONDS * 1000).toISOString();
  return { url: await deps.files.presignDownload(key, `${invoice.number}.pdf`, PDF_LINK_SECONDS), expiresAt, fileName: `${invoice.number}.pdf` };
}

export function transactionView(t: BillingTransaction) {
  return {
    transactionId: t.transactionId,
    invoiceId: t.invoiceId,
    invoiceNumber: t.invoiceNumber,
    amount: money(t.amountMinor, t.currency),
    status: t.status,
    paymentMethod: { paymentMethodId: t.paymentMethodId, brand: t.brand, last4: t.last4 },
    processorReference: t.processorReference,
    createdAt: t.createdAt,
  };
}

/** BI-1 payments: P1 and one Query (P75) that reads the settings item with the first page. */
export async function listBillingTransactions(
  q: { limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: { store: Pick<BillingStore, 'listTransactions'>; cursors: Cursors; clock: Clock },
) {
  const org = memberOf(auth);
  const page = await reportGuardedPage(deps, ['billing-transactions', org.orgId, auth.userId], q.cursor, (after) => deps.store.listTransactions(org.orgId, q.limit, after));
  return pageOf(page.items.map(transactionView), page.nextCursor);
}

/** Ticket changes per desk transaction (each ticket writes the ticket, its list entry and an email). */
const TICKETS_PER_WRITE = 25;

/** Moves the invoice's tickets Ready to bill -> Billed; tickets already moved are skipped (replays). */
export async function billInvoiceTickets(orgId: string, lines: InvoiceLine[], at: string, invoiceNumber: string, desk: Pick<DeskStore, 'applyChanges'>): Promise<number> {
  let moved = 0;
  for (let i = 0; i < lines.length; i += TICKETS_PER_WRITE) {
    let changes = lines.slice(i, i + TICKETS_PER_WRITE).map((l) =>
      billedChange({ orgId, ticketId: l.ticketId, createdAt: l.ticketCreatedAt, requester: l.requester, reference: l.reference }, at, `Invoice ${invoiceNumber} paid.`),
    );
    while (changes.length) {
      try {
        await desk.applyChanges({ tickets: changes });
        moved += changes.length;
        break;
      } catch (e) {
        if (!(e instanceof StaleWriteError) || e.tickets.length === 0) throw e;
        const stale = new Set(e.tickets);
        changes = changes.filter((_, j) => !stale.has(j));
      }
    }
  }
  return moved;
}

/**
 * BI-3: pay an unpaid invoice with a stored card. The processor is asked with a key derived from the
 * invoice and the card, so a retry never charges twice; the payment, the invoice's paid status, the org's
 * unpaid summary and the idempotency record are one transaction; then the invoice's tickets move to Billed.
 * A replay of a paid invoice's request answers the stored response (and finishes moving its tickets).
 */
/** How long one payment attempt holds an invoice: longer than a charge can take, short enough to retry after a crash. */
export const PAYMENT_LEASE_MS = 2 * 60_000;

export async function payInvoice(
  invoiceId: string,
  input: { paymentMethodId: string },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<BillingStore, 'invoiceWithLines' | 'getPaymentMethod' | 'claimPayment' | 'releasePayment' | 'recordPayment' | 'findIdempotent'>; gateway: PaymentGateway; desk: Pick<DeskStore, 'applyChanges'>; clock: Clock; ids: Ids },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  // The invoice and the card in parallel (the card read is wasted only for an invoice already paid).
  const [found, pm] = await Promise.all([deps.store.invoiceWithLines(invoiceId), deps.store.getPaymentMethod(org.orgId, input.paymentMethodId)]);
  const { invoice, lines } = visible(found, org.orgId);
  if (invoice.status === 'paid') {
    const stored = await deps.store.findIdempotent(idempotency);
    if (!stored) throw new ConflictError('invoice_already_paid', `Invoice ${invoice.number} is already paid.`, 'path.invoiceId');
    await billInvoiceTickets(invoice.orgId, lines, invoice.paidAt ?? deps.clock.now().toISOString(), invoice.number as string, deps.desk);
    return stored.body as ReturnType<typeof transactionView>;
  }
  if (!pm) throw new NotFoundError('payment_method_not_found', 'No such payment method on file.', 'body.paymentMethodId');
  // One attempt at a time per invoice: two payers racing with two cards cannot both be charged.
  const attemptId = deps.ids.next('pay');
  const started = deps.clock.now();
  const claim = await deps.store.claimPayment(invoice.invoiceId, attemptId, started, new Date(started.getTime() + PAYMENT_LEASE_MS));
  if (claim === 'paid') return payInvoice(invoiceId, input, auth, idempotencyContext, deps);
  if (claim === 'in_progress') throw new ConflictError('payment_in_progress', `A payment of invoice ${invoice.number} is in progress; try again in a minute.`, 'path.invoiceId');
  const amountMinor = invoice.totalMinor ?? 0;
  let charge: Awaited<ReturnType<PaymentGateway['charge']>>;
  try {
    charge = await deps.gateway.charge({
      token: pm.token,
      amountMinor,
      currency: invoice.currency,
      billingCountry: pm.billingCountry,
      // One charge per invoice and card at the processor, whatever the Idempotency-Key: a retry after a crash
      // between the charge and the write below (the lease has expired by then) cannot charge the card twice.
      idempotencyKey: `invoice:${invoice.invoiceId}:${pm.paymentMethodId}`,
      description: `Invoice ${invoice.number}`,
    });
  } catch (e) {
    await deps.store.releasePayment(invoice.invoiceId, attemptId);
    throw e;
  }
  if (!charge.ok) {
    await deps.store.releasePayment(invoice.invoiceId, attemptId);
    throw new PaymentDeclinedError(charge.code, charge.message, 'body.paymentMethodId');
  }
  const now = deps.clock.now();
  const txn: BillingTransaction = {
    orgId: org.orgId,
    transactionId: deps.ids.next('txn'),
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number as string,
    amountMinor,
    currency: invoice.currency,
    status: 'succeeded',
    paymentMethodId: pm.paymentMethodId,
    brand: pm.brand,
    last4: pm.last4,
    processorReference: charge.processorReference,
    createdAt: now.toISOString(),
    createdBy: auth.userId,
  };
  const view = transactionView(txn);
  let out: { replayed: boolean; response: { status: number; body: unknown } };
  try {
    out = await deps.store.recordPayment(invoice, txn, attemptId, idempotency, { status: 201, body: view }, now);
  } catch (e) {
    if ((e as { name?: string }).name === 'TransactionCanceledException') throw new ConflictError('invoice_already_paid', `Invoice ${invoice.number} is already paid.`, 'path.invoiceId');
    throw e;
  }
  await billInvoiceTickets(invoice.orgId, lines, txn.createdAt, invoice.number as string, deps.desk);
  return out.response.body as typeof view;
}
