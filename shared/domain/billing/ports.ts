import type { EmailRequest } from '../email/ports.ts';
import type { Page } from '../desk/model.ts';
import type { IdempotencyContext, StoredResponse } from '../shared/idempotency.ts';
import type { BillableTicket, BillingSettings, BillingTransaction, Invoice, InvoiceLine, OrgBilling, PaymentMethod, UnpaidInvoice } from './model.ts';

/** The checkpoint of one batch run (`runKey`): where to resume and what it did so far. */
export interface BatchCheckpoint {
  runKey: string;
  status: 'running' | 'done';
  lastKey?: Record<string, unknown> | undefined;
  pages: number;
  ticketsSeen: number;
  linesAdded: number;
  invoicesIssued: number;
  startedAt: string;
  updatedAt: string;
}

export type AddLineOutcome = 'added' | 'already_invoiced' | 'invoice_closed';

/** A line to add with the ticket it bills. */
export interface NewLine {
  line: InvoiceLine;
  ticket: BillableTicket;
}

/** What an issued invoice lists of its lines: read from the lines once, when it is issued. */
export interface LineReference {
  ticketId: string;
  reference: string;
}

/** What issuing writes besides the header: the org's invoice list entry, unpaid summary and the emails. */
export interface IssueWrite {
  invoice: Invoice;
  emails: EmailRequest[];
}

export interface BillingBatchStore {
  readyToBillPage(limit: number, after: Record<string, unknown> | undefined): Promise<Page<BillableTicket>>;
  getCheckpoint(runKey: string): Promise<BatchCheckpoint | undefined>;
  /** Saves progress; never moves a checkpoint backwards (a slower twin run cannot undo a faster one). */
  saveCheckpoint(cp: BatchCheckpoint): Promise<void>;
  orgBilling(orgId: string): Promise<OrgBilling | undefined>;
  /** Conditional put: false when the draft (or the issued invoice) already exists. */
  createDraft(invoice: Invoice): Promise<boolean>;
  /**
   * Adds lines, each with its ticket's invoice reference and its header's running net and line count, all
   * or nothing per line: TransactWriteItems of up to 100 actions (2 per line, 1 per header touched), a line
   * whose condition fails (ticket invoiced meanwhile, invoice no longer a draft) dropped and the rest
   * written again. The outcome of each line, in order. Never rewrites anything that grows with the invoice.
   */
  addLines(lines: readonly NewLine[]): Promise<AddLineOutcome[]>;
  /** The invoice's lines as ticket id and reference, by ticket number (consistent Query, page by page). */
  lineReferences(invoiceId: string): Promise<LineReference[]>;
  /** Drafts left by the run `runKey` (sparse index), oldest first. */
  draftsOfRun(runKey: string, limit: number, after: Record<string, unknown> | undefined): Promise<Page<Invoice>>;
  getInvoice(invoiceId: string): Promise<Invoice | undefined>;
  /**
   * Takes the seller's next number and issues the draft in one transaction, conditional on the draft still
   * having the line count `write` was given; false (with the header read again) when it is not a draft any
   * more or lines were added meanwhile.
   */
  issue(write: (number: number) => IssueWrite, sellerId: string): Promise<{ issued: boolean; invoice?: Invoice }>;
  /**
   * Records the outcome of a VAT ID re-check on the org's settings: the VAT fields only, and only while the
   * settings still hold that VAT ID (false otherwise, nothing written). An admin's change made while a run is
   * going (mode, contacts, report switch, another VAT ID) is never undone by the run's older copy.
   */
  recordVatCheck(orgId: string, vatId: string, check: Pick<BillingSettings, 'vatStatus' | 'vatCheckedAt' | 'vatName'>): Promise<boolean>;
}

/**
 * A page of a list that carries the org's billing report switch (BI-1) in the same Query: the switch sorts
 * after every entry, so a newest-first first page reads it first.
 */
/**
 * The settings as a read-modify-write read them: the write then happens only while they are still so (their
 * `updatedAt`, none for settings never saved, and their `vatCheckedAt`, which the batch's VAT re-check moves
 * without touching `updatedAt`), else ConflictError `settings_changed`, which the domain answers by re-reading
 * and re-applying (no lost update).
 */
export interface ReadSettings {
  updatedAt: string | undefined;
  vatCheckedAt?: string | undefined;
}

export interface SwitchedPage<T> extends Page<T> {
  /** First pages only: the switch as stored beside the list, undefined when never written (= enabled). */
  report?: Pick<BillingSettings, 'reportEnabled'> | undefined;
}

export interface BillingStore extends Pick<BillingBatchStore, 'getInvoice' | 'orgBilling'> {
  /**
   * Replaces the org's billing settings and, in the same transaction, the mirror of their report switch beside
   * the invoice list (the switch that `listInvoices` reads with its first page).
   */
  putSettings(settings: BillingSettings, readAt?: ReadSettings): Promise<void>;
  getSettings(orgId: string): Promise<BillingSettings | undefined>;
  /** P72: a page of the org's invoices, newest first; the first page (no `after`) with the report switch's mirror. */
  listInvoices(orgId: string, status: 'paid' | 'unpaid' | undefined, limit: number, after: Record<string, unknown> | undefined): Promise<SwitchedPage<InvoiceListEntry>>;
  /** The header and its lines (one Query of the invoice's partition). */
  invoiceWithLines(invoiceId: string): Promise<{ invoice: Invoice; lines: InvoiceLine[] } | undefined>;
  setPdfKey(invoiceId: string, key: string): Promise<void>;
  /** P75: a page of the org's payments, newest first; the first page (no `after`) with the settings' report switch. */
  listTransactions(orgId: string, limit: number, after: Record<string, unknown> | undefined): Promise<SwitchedPage<BillingTransaction>>;
  listPaymentMethods(orgId: string): Promise<PaymentMethod[]>;
  getPaymentMethod(orgId: string, paymentMethodId: string): Promise<PaymentMethod | undefined>;
  addPaymentMethod(pm: PaymentMethod, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Promise<{ replayed: boolean; response: StoredResponse }>;
  /** Marks the invoice paid, records the transaction, clears it from the unpaid summary, with the idempotency record. */
  /**
   * Takes the invoice's payment lease for one attempt (conditional: still issued, no live lease): one payment
   * attempt at a time per invoice, whatever the card or the Idempotency-Key. `paid` or `in_progress` otherwise.
   */
  claimPayment(invoiceId: string, attemptId: string, now: Date, until: Date): Promise<'claimed' | 'paid' | 'in_progress'>;
  /** Gives the lease back after a declined or failed charge (only the attempt holding it can). */
  releasePayment(invoiceId: string, attemptId: string): Promise<void>;
  /** Marks the invoice paid (conditional on the attempt's lease), records the transaction, clears it from the unpaid summary, with the idempotency record. */
  recordPayment(invoice: Invoice, txn: BillingTransaction, attemptId: string, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Promise<{ replayed: boolean; response: StoredResponse }>;
  findIdempotent(idempotency: IdempotencyContext): Promise<StoredResponse | undefined>;
  unpaidInvoices(orgId: string): Promise<UnpaidInvoice[]>;
}

export interface InvoiceListEntry {
  invoiceId: string;
  invoiceNumber: string;
  issuedAt: string;
  dueDate: string;
  status: 'issued' | 'paid';
  currency: string;
  totalMinor: number;
  period: string;
  ticketReferences: string[];
}

/** VIES (BI-4): the existence check of an EU VAT ID. */
export interface VatRegistry {
  /** `unavailable`: VIES did not answer (status pending, retried later); `disabled`: no VIES configured. */
  check(vatId: string): Promise<{ result: 'valid'; name?: string | undefined } | { result: 'invalid' } | { result: 'unavailable' } | { result: 'disabled' }>;
}

export type ChargeResult =
  | { ok: true; processorReference: string }
  | { ok: false; code: 'card_declined' | 'insufficient_funds' | 'expired_card' | 'address_verification_failed' | 'incorrect_number'; message: string };

/** BI-3: the card processor. Tokens come from its client-side tokenization; the portal never sees a number. */
export interface PaymentGateway {
  /** Describes a token (brand, last 4, expiry); undefined for an unknown token. */
  describe(token: string): Promise<{ brand: string; last4: string; expMonth: number; expYear: number } | undefined>;
  charge(input: { token: string; amountMinor: number; currency: string; billingCountry: string; idempotencyKey: string; description: string }): Promise<ChargeResult>;
}

/** The invoice PDF: rendered once per invoice, cached in the files bucket, linked with a short-lived URL. */
export interface InvoiceFiles {
  put(key: string, pdf: Uint8Array): Promise<void>;
  presignDownload(key: string, fileName: string, expiresInSeconds: number): Promise<string>;
}

export type InvoiceRenderer = (doc: { invoice: Invoice; lines: InvoiceLine[]; locale: string }) => Promise<Uint8Array>;
