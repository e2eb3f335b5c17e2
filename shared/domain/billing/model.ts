import type { DeliveryAddress } from '../desk/model.ts';
import type { Locale } from '../shared/vocabulary.ts';

/**
 * Billing (SD-5, BI-1..BI-5). Money is always an integer amount of minor units (cents) with its ISO 4217
 * currency; nothing is ever a float. VAT rates are basis points (2300 = 23 %).
 */

export const BILLING_MODES = ['per_order', 'quarterly'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

export const VAT_STATUSES = ['unchecked', 'pending', 'verified', 'invalid'] as const;
/** `unchecked`: VIES is off (local stack); `pending`: VIES unreachable, retried before invoicing. */
export type VatStatus = (typeof VAT_STATUSES)[number];

export const INVOICE_STATUSES = ['draft', 'issued', 'paid'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface BillingContact {
  name: string;
  email: string;
  locale: Locale;
}

/** SD-5 per org; absent item = defaults (per order, no contacts, report enabled). */
export interface BillingSettings {
  orgId: string;
  mode: BillingMode;
  contacts: BillingContact[];
  reportEnabled: boolean;
  vatId?: string | undefined;
  vatStatus?: VatStatus | undefined;
  vatCheckedAt?: string | undefined;
  /** The name VIES registered for the VAT ID, when it answered. */
  vatName?: string | undefined;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
}

export const defaultBillingSettings = (orgId: string): BillingSettings => ({ orgId, mode: 'per_order', contacts: [], reportEnabled: true });

/** A party's postal address on an invoice: the desk's address lines under the party's name. */
export type PostalLines = Omit<DeliveryAddress, 'recipient' | 'company'> & { name: string };

export interface Party {
  name: string;
  address: PostalLines;
  vatId?: string | undefined;
  vatStatus?: VatStatus | undefined;
}

/** The vendor's invoicing entity (one seller; invoice numbers are sequential per seller). */
export const SELLER = {
  sellerId: 'vendor-eu',
  name: 'Vendor Europe Ltd',
  address: { name: 'Vendor Europe Ltd', line1: 'Innovation House, Raheen Business Park', city: 'Limerick', postalCode: 'V94 4K6D', country: 'IE' },
  vatId: 'IE6388047V',
  currency: 'EUR',
  numberPrefix: 'INV',
  paymentTermsDays: 30,
} as const;

/** What an org's invoices need about the org: settings, name, country and billing address. */
export interface OrgBilling {
  orgId: string;
  orgName: string;
  country: string;
  address?: PostalLines | undefined;
  settings: BillingSettings;
}

/** A ticket in Ready to bill, as the batch reads it from the status index. */
export interface BillableTicket {
  orgId: string;
  ticketId: string;
  number: number;
  reference: string;
  internalReference?: string | undefined;
  createdAt: string;
  /** When it reached Ready to bill (its history); the period it belongs to. */
  readyAt: string;
  shipDate?: string | undefined;
  deviceModel?: string | undefined;
  serialNumbers?: string[] | undefined;
  deliveryAddress: DeliveryAddress;
  requester: { userId: string; email: string; name: string; locale: Locale };
  invoiceId?: string | undefined;
}

export interface InvoiceLine {
  invoiceId: string;
  ticketId: string;
  ticketNumber: number;
  reference: string;
  internalReference?: string | undefined;
  /** The day the request was entered (ticket creation). */
  dataEntryDate: string;
  shipDate?: string | undefined;
  deviceModel: string;
  quantity: number;
  unitPriceMinor: number;
  netMinor: number;
  /** Delivery address on one line. */
  deliveryAddress: string;
  /** What paying needs to move the ticket to Billed without reading it. */
  ticketCreatedAt: string;
  requester: BillableTicket['requester'];
}

export interface VatLine {
  rateBp: number;
  netMinor: number;
  vatMinor: number;
}

export type VatTreatment = 'domestic' | 'intra_eu_reverse_charge' | 'intra_eu_no_vat_id' | 'export';

/** The invoice header. Drafts collect lines during a batch; issuing numbers and totals it. */
export interface Invoice {
  invoiceId: string;
  orgId: string;
  orgName: string;
  /** The batch run that drafted it (`order-2026-07-02`, `quarter-2026-Q3`). */
  runKey: string;
  mode: BillingMode;
  /** What it covers: `GEM-12` for per-order invoices, `2026-Q3` for quarterly ones. */
  period: string;
  status: InvoiceStatus;
  currency: string;
  lineCount: number;
  netMinor: number;
  /**
   * The tickets it covers (GEM-<n>), in number order: empty on a draft, set when issued. The ids are on the lines
   * only: a header also holding them reached DynamoDB's 400 KB item limit at ~10k tickets.
   */
  ticketReferences: string[];
  /** Who gets the invoice email when no billing contact is set: the requester of the first order. */
  fallbackRecipient: BillingContact;
  createdAt: string;
  number?: string | undefined;
  issuedAt?: string | undefined;
  issueDate?: string | undefined;
  dueDate?: string | undefined;
  seller?: Party | undefined;
  buyer?: Party | undefined;
  vatTreatment?: VatTreatment | undefined;
  vat?: VatLine[] | undefined;
  subtotalMinor?: number | undefined;
  vatMinor?: number | undefined;
  totalMinor?: number | undefined;
  paidAt?: string | undefined;
  paymentId?: string | undefined;
  /** The rendered PDF in the files bucket, once rendered. */
  pdfKey?: string | undefined;
}

export interface PaymentMethod {
  orgId: string;
  paymentMethodId: string;
  /** The processor's reusable token; never a card number. */
  token: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  billingCountry: string;
  createdAt: string;
  createdBy: string;
}

export interface BillingTransaction {
  orgId: string;
  transactionId: string;
  invoiceId: string;
  invoiceNumber: string;
  amountMinor: number;
  currency: string;
  status: 'succeeded';
  paymentMethodId: string;
  brand: string;
  last4: string;
  processorReference: string;
  createdAt: string;
  createdBy: string;
}

/** An unpaid invoice as getMe's pending payments show it (kept on the org's billing summary item). */
export interface UnpaidInvoice {
  invoiceId: string;
  number: string;
  dueDate: string;
  totalMinor: number;
  currency: string;
}

/**
 * List prices per device model in the seller's currency (minor units), data in code like the account
 * page's catalog: it changes with the range and is reviewed like code. Unknown models use DEFAULT_PRICE.
 */
export const PRICE_LIST: Readonly<Record<string, number>> = {
  'latitude 3550': 74_900,
  'latitude 5450': 112_900,
  'latitude 7450': 154_900,
  'latitude 9450': 199_900,
  'precision 3591': 169_900,
  'precision 5690': 289_900,
  'optiplex 7020': 84_900,
  'pro 14 plus': 129_900,
};
export const DEFAULT_PRICE_MINOR = 99_900;

export function unitPriceOf(model: string | undefined): number {
  if (!model) return DEFAULT_PRICE_MINOR;
  return PRICE_LIST[model.trim().replace(/\s+/g, ' ').toLowerCase()] ?? DEFAULT_PRICE_MINOR;
}
