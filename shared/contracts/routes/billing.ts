import * as z from 'zod/mini';
import { CountryCode, Cursor, Email, Locale, PageLimit, Password, PersonName, withMeta, shakable } from '../common.ts';
import { type RouteAuth, defineRoute } from '../route.ts';
import { BILLING_MODES, VAT_STATUSES } from '#shared/domain/billing/model.ts';

/**
 * Billing (SD-5, BI-1..BI-5). Billing routes act in the org chosen by `X-Org-Id` and are for its site
 * admins and finance role. Money is `{ amountMinor, currency }`: integer minor units (cents) and an ISO 4217
 * code. Payment routes refuse any body containing a card number (400 `card_number_refused`): cards reach
 * the portal only as the processor's tokens.
 */

const Text = (max = 200) => z.string().check(z.maxLength(max));
const Time = /* @__PURE__ */ shakable(() => z.string().check(z.maxLength(40)));
const Day = /* @__PURE__ */ shakable(() => z.string().check(z.maxLength(10)));
const int32 = (min: number, max: number) => withMeta(z.int32().check(z.minimum(min), z.maximum(max)), { format: 'int32' });
const list = <T extends z.ZodMiniType>(item: T, max = 100) => z.array(item).check(z.maxLength(max));
const pageOf = <T extends z.ZodMiniType>(item: T) => z.strictObject({ items: list(item), nextCursor: z.optional(Cursor) });

const billing: RouteAuth = { kind: 'user', org: true, roles: ['site_admin', 'finance'] };
const TAGS = ['Billing'] as const;

const InvoiceId = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.maxLength(24), z.regex(/^inv_[0-9a-z]{20}$/, 'not an invoice id')), { description: 'An invoice id (`inv_…`)' }));
const PaymentMethodId = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.maxLength(23), z.regex(/^pm_[0-9a-z]{20}$/, 'not a payment method id')), { description: 'A stored payment method (`pm_…`)' }));

export const Money = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ amountMinor: withMeta(z.int().check(z.minimum(-2_147_483_648), z.maximum(2_147_483_647)), { format: 'int32', description: 'Integer minor units (cents).' }), currency: Text(3) }),
  { id: 'Money', description: 'An amount in minor units of an ISO 4217 currency.' },
));

const PartyView = /* @__PURE__ */ shakable(() => z.strictObject({
  name: Text(),
  address: z.strictObject({ name: Text(), line1: Text(120), line2: z.optional(Text(120)), postalCode: z.optional(Text(12)), city: Text(80), region: z.optional(Text(80)), country: Text(2) }),
  vatId: z.optional(Text(20)),
  vatStatus: z.optional(z.enum(VAT_STATUSES)),
}));

const InvoiceSummary = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    invoiceId: Text(24),
    number: Text(20),
    status: z.enum(['unpaid', 'paid']),
    overdue: z.boolean(),
    issuedAt: Time,
    dueDate: Day,
    period: Text(20),
    total: Money,
    ticketCount: int32(0, 1_000_000),
    ticketReferences: withMeta(list(Text(20)), { description: 'The first 100 tickets (GEM-<n>) it covers.' }),
  }),
  { id: 'InvoiceSummary' },
));

const InvoiceView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    invoiceId: Text(24),
    number: Text(20),
    status: z.enum(['unpaid', 'paid']),
    overdue: z.boolean(),
    issueDate: Day,
    issuedAt: Time,
    dueDate: Day,
    period: Text(20),
    seller: PartyView,
    buyer: PartyView,
    lines: list(
      z.strictObject({
        ticketId: Text(40),
        ticketReference: Text(20),
        internalReference: z.optional(Text(100)),
        dataEntryDate: Day,
        shipDate: z.optional(Day),
        deviceModel: Text(100),
        deliveryAddress: Text(600),
        quantity: int32(1, 10_000),
        unitPrice: Money,
        amount: Money,
      }),
      100_000,
    ),
    subtotal: Money,
    vat: list(z.strictObject({ rate: Text(10), rateBasisPoints: int32(0, 10_000), net: Money, vat: Money }), 10),
    vatTotal: Money,
    total: Money,
    vatNote: z.optional(Text(300)),
    paidAt: z.optional(Time),
  }),
  { id: 'Invoice' },
));

const invoicePath = /* @__PURE__ */ shakable(() => z.strictObject({ invoiceId: InvoiceId }));

export const listInvoices = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listInvoices',
  method: 'GET',
  path: '/billing/invoices',
  handler: 'billing/list-invoices',
  summary: "The org's invoices, newest first, optionally only paid or unpaid (BI-1)",
  description:
    'Available while the org\'s billing report is enabled (SD-5); otherwise the first page answers 403 `billing_report_disabled`. A `nextCursor` is valid for 15 minutes (then 400 `invalid_cursor`: start again from the first page).',
  tags: TAGS,
  auth: billing,
  request: { query: z.strictObject({ status: z.optional(z.enum(['paid', 'unpaid'])), limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of invoices.', schema: pageOf(InvoiceSummary) } },
  lambda: { uses: ['table:read'] },
}));

export const getInvoice = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getInvoice',
  method: 'GET',
  path: '/billing/invoices/{invoiceId}',
  handler: 'billing/get-invoice',
  summary: 'One invoice with its lines, VAT per rate and totals (BI-1, SD-5)',
  tags: TAGS,
  auth: billing,
  request: { path: invoicePath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The invoice.', schema: InvoiceView } },
  lambda: { uses: ['table:read'] },
}));

export const getInvoicePdf = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getInvoicePdf',
  method: 'GET',
  path: '/billing/invoices/{invoiceId}/pdf',
  handler: 'billing/get-invoice-pdf',
  summary: 'A fresh short-lived link to the invoice PDF (BI-1 print)',
  description: 'Rendered once in your language and kept; every call signs a new link valid 5 minutes.',
  tags: TAGS,
  auth: billing,
  request: { path: invoicePath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The download link.', schema: withMeta(z.strictObject({ url: Text(2048), expiresAt: Time, fileName: Text(40) }), { id: 'InvoicePdfLink' }) } },
  lambda: { uses: ['table:write', 'files'], dataFiles: ['invoice-pdf'], memoryMb: 1024, timeoutSeconds: 20 },
}));

const TransactionView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    transactionId: Text(40),
    invoiceId: Text(24),
    invoiceNumber: Text(20),
    amount: Money,
    status: z.enum(['succeeded']),
    paymentMethod: z.strictObject({ paymentMethodId: Text(24), brand: Text(20), last4: Text(4) }),
    processorReference: Text(64),
    createdAt: Time,
  }),
  { id: 'BillingTransaction' },
));

export const payInvoice = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'payInvoice',
  method: 'POST',
  path: '/billing/invoices/{invoiceId}/payments',
  handler: 'billing/pay-invoice',
  summary: 'Pay an unpaid invoice with a card on file (BI-3)',
  description:
    'Needs an `Idempotency-Key`: a retry with the same key charges nothing more and answers the same. On success the invoice is paid and its tickets move to Billed. A decline answers 402 with `card_declined`, `insufficient_funds`, `expired_card`, `incorrect_number` or `address_verification_failed`.',
  tags: TAGS,
  auth: billing,
  idempotency: 'required',
  refuseCardNumbers: true,
  request: { path: invoicePath, body: withMeta(z.strictObject({ paymentMethodId: PaymentMethodId }), { id: 'PayInvoiceInput' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The payment.', schema: TransactionView } },
  errors: { 402: 'The card processor declined the payment; `error.code` says why.' },
  lambda: { uses: ['table:write', 'outbox'], timeoutSeconds: 20 },
}));

export const listBillingTransactions = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listBillingTransactions',
  method: 'GET',
  path: '/billing/transactions',
  handler: 'billing/list-transactions',
  summary: "The org's payments, newest first (BI-1)",
  description:
    'Available while the org\'s billing report is enabled (SD-5); otherwise the first page answers 403 `billing_report_disabled`. A `nextCursor` is valid for 15 minutes (then 400 `invalid_cursor`: start again from the first page).',
  tags: TAGS,
  auth: billing,
  request: { query: z.strictObject({ limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of transactions.', schema: pageOf(TransactionView) } },
  lambda: { uses: ['table:read'] },
}));

const PaymentMethodView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ paymentMethodId: Text(24), brand: Text(20), last4: Text(4), expMonth: int32(1, 12), expYear: int32(2000, 2100), billingCountry: Text(2), createdAt: Time }),
  { id: 'PaymentMethod', description: 'A card stored as a processor token: brand, last 4 digits and expiry only.' },
));

export const listPaymentMethods = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listPaymentMethods',
  method: 'GET',
  path: '/billing/payment-methods',
  handler: 'billing/list-payment-methods',
  summary: "The org's cards on file (BI-3, AC-3)",
  tags: TAGS,
  auth: billing,
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The cards.', schema: z.strictObject({ items: list(PaymentMethodView, 50) }) } },
  lambda: { uses: ['table:read'] },
}));

export const addPaymentMethod = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'addPaymentMethod',
  method: 'POST',
  path: '/billing/payment-methods',
  handler: 'billing/add-payment-method',
  summary: 'Add a card as the processor token the front end got from tokenization (BI-3)',
  description: 'Only the token is accepted; a card number anywhere in the body is refused (400 `card_number_refused`) and never stored or logged.',
  tags: TAGS,
  auth: billing,
  idempotency: 'required',
  refuseCardNumbers: true,
  request: {
    body: withMeta(
      z.strictObject({
        token: withMeta(z.string().check(z.minLength(4), z.maxLength(64), z.regex(/^tok_[A-Za-z0-9_]+$/, 'a card token from the payment provider (tok_…)')), { description: 'The processor token (tok_…).' }),
        billingCountry: CountryCode,
      }),
      { id: 'PaymentMethodInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The stored card.', schema: PaymentMethodView } },
  lambda: { uses: ['table:write'] },
}));

const SettingsView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    mode: z.enum(BILLING_MODES),
    contacts: list(z.strictObject({ name: Text(100), email: Text(254), locale: Locale }), 10),
    reportEnabled: z.boolean(),
    vat: z.strictObject({ offered: z.boolean(), vatId: z.optional(Text(20)), status: z.optional(z.enum(VAT_STATUSES)), checkedAt: z.optional(Time) }),
    updatedAt: z.optional(Time),
  }),
  { id: 'BillingSettings' },
));

export const getBillingSettings = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getBillingSettings',
  method: 'GET',
  path: '/billing/settings',
  handler: 'billing/get-settings',
  summary: 'Billing mode (per order / per quarter), billing contacts, billing report, VAT ID (SD-5, BI-4)',
  tags: TAGS,
  auth: billing,
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The settings.', schema: SettingsView } },
  lambda: { uses: ['table:read'] },
}));

export const updateBillingSettings = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateBillingSettings',
  method: 'PUT',
  path: '/billing/settings',
  handler: 'billing/update-settings',
  summary: 'Set the billing mode, contacts and billing report (SD-5)',
  tags: TAGS,
  auth: billing,
  refuseCardNumbers: true,
  request: {
    body: withMeta(
      z.strictObject({
        mode: z.enum(BILLING_MODES),
        contacts: withMeta(z.array(z.strictObject({ name: PersonName, email: Email, locale: Locale })).check(z.maxLength(10)), { description: 'Who gets invoice emails (in their language); none: the orderer.' }),
        reportEnabled: z.boolean(),
      }),
      { id: 'BillingSettingsInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The settings.', schema: SettingsView } },
  errors: { 409: '`settings_changed`: other saves changed the settings three times while this one was saving; read them again and retry.' },
  lambda: { uses: ['table:write'] },
}));

export const setVatId = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'setVatId',
  method: 'PUT',
  path: '/billing/vat-id',
  handler: 'billing/set-vat-id',
  summary: "Record the org's EU VAT ID: format and checksum at once, existence through VIES (BI-4)",
  description:
    'Only for organizations in an EU member state (422 `vat_id_not_offered` otherwise). Status: `verified` or `invalid` when VIES answered, `pending` when it was unreachable (re-checked before each invoice), `unchecked` where no VIES is configured.',
  tags: TAGS,
  auth: billing,
  request: { body: withMeta(z.strictObject({ vatId: z.string().check(z.trim(), z.minLength(4), z.maxLength(20)) }), { id: 'VatIdInput' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The settings with the VAT ID and its status.', schema: SettingsView } },
  errors: {
    409: '`settings_changed`: other saves changed the settings three times while this one was saving; read them again and retry.',
    422: 'VAT IDs are only offered to organizations in an EU member state.',
  },
  lambda: { uses: ['table:write'], timeoutSeconds: 15 },
}));

// BI-5 account lifecycle

export const cancelAccount = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'cancelAccount',
  method: 'POST',
  path: '/me/cancel',
  handler: 'billing/cancel-account',
  summary: 'Cancel your account: confirm with your password or the phrase, then you are signed out everywhere (BI-5)',
  description:
    'Cancels YOUR user account (not the organization). Confirm with `password` (checked with Cognito) or `confirmation` = `CANCEL MY ACCOUNT`. Every session is signed out and the account disabled; an old access token gets 403 `account_inactive`.',
  tags: ['Account lifecycle'],
  auth: { kind: 'user' },
  request: {
    body: withMeta(
      z.strictObject({ password: z.optional(Password), confirmation: z.optional(z.string().check(z.maxLength(40))) }),
      { id: 'CancelAccountInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Cancelled.', schema: z.strictObject({ status: z.literal('cancelled'), cancelledAt: Time }) } },
  lambda: { uses: ['table:write', 'users', 'outbox'] },
}));

export const reactivateAccount = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'reactivateAccount',
  method: 'POST',
  path: '/account-reactivation',
  handler: 'billing/reactivate-account',
  summary: 'Reactivate a cancelled account: free-trial at once, paid through a support request (BI-5)',
  description: 'A free-trial (Basic) account is reactivated at once (200); a paid account files a reactivation request that support decides (202, with its reference). Wrong credentials and accounts that are not cancelled answer the same 401.',
  tags: ['Account lifecycle'],
  auth: { kind: 'public' },
  request: { body: withMeta(z.strictObject({ email: Email, password: Password }), { id: 'ReactivateAccountInput' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: { description: 'Reactivated: sign in again.', schema: z.strictObject({ status: z.literal('active') }) },
    202: { description: 'A reactivation request was filed.', schema: z.strictObject({ status: z.literal('pending_review'), reference: Text(20) }) },
  },
  errors: { 401: 'Wrong email or password, or no cancelled account.' },
  lambda: { uses: ['table:write', 'users', 'outbox', 'workflow'] },
}));

export const billingRoutes = [
  listInvoices,
  getInvoice,
  getInvoicePdf,
  payInvoice,
  listBillingTransactions,
  listPaymentMethods,
  addPaymentMethod,
  setVatId,
  getBillingSettings,
  updateBillingSettings,
  cancelAccount,
  reactivateAccount,
] as const;
