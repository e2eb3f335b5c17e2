import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModeGateway } from '#shared/adapters/billing/test-gateway.ts';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { putReadyTicket, setBillingMode } from '#test/builders/billing.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';
import { captureLogs } from '#test/support/logs.ts';

/** BI-1, BI-3, BI-4, SD-5 through the local API, every error path included. */

let api: TestApi;
let org: Org;
let other: Org;
let admin: TestUser;
let finance: TestUser;
let buyer: TestUser;
let foreign: TestUser;
let usAdmin: TestUser;
const invoiceIds: string[] = [];
const tickets: Awaited<ReturnType<typeof putReadyTicket>>[] = [];

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown, key: string = randomUUID()) => call(user, 'POST', path, { body, headers: { 'idempotency-key': key } });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

const DAY = 86_400_000;

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg({ country: 'FR', name: 'Société Générale d’Équipement' });
  other = await createTestOrg({ country: 'FR' });
  const us = await createTestOrg({ country: 'US' });
  [admin, finance, buyer, foreign, usAdmin] = await Promise.all([
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'finance' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org: other, role: 'finance' } }),
    createTestUser({ org: { org: us, role: 'site_admin' } }),
  ]);
  // Three orders, invoiced per order by a run 40 days ago (so they are past due now), one of them with two devices.
  const past = new Date(Date.now() - 40 * DAY);
  for (const [model, ref, serials] of [
    ['Latitude 7450', 'PO-2026-114', ['SN-A1']],
    ['OptiPlex 7020', 'Apprenti 2026-014', ['SN-B1', 'SN-B2']],
    ['Pro 14 Plus', 'Réf. Lyon Part-Dieu', ['SN-C1']],
  ] as const) {
    tickets.push(await putReadyTicket(org, { readyAt: new Date(past.getTime() - DAY).toISOString(), deviceModel: model, internalReference: ref, serials: [...serials] }));
  }
  await setBillingMode(org, 'per_order');
  const out = await runInvoiceBatch(
    { date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(past.getTime() - DAY)), orgIds: [org.orgId] },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(undefined), clock: { now: () => past }, timeZone: 'Europe/Paris' },
  );
  expect(out.invoicesIssued).toBe(3);
  const list = await call(finance, 'GET', '/billing/invoices');
  invoiceIds.push(...list.body.items.map((i: { invoiceId: string }) => i.invoiceId));
});
afterAll(() => api.close());

describe('invoices (BI-1)', () => {
  it('lists the org\'s invoices newest first for site admins and finance, pages with signed cursors', async () => {
    const res = await call(admin, 'GET', '/billing/invoices');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.items[0]).toMatchObject({ status: 'unpaid', overdue: true, total: { currency: 'EUR' }, ticketCount: 1 });
    const issued = res.body.items.map((i: { issuedAt: string }) => i.issuedAt);
    expect([...issued].sort().reverse()).toEqual(issued);
    const page1 = await call(finance, 'GET', '/billing/invoices?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await call(finance, 'GET', `/billing/invoices?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeUndefined();
    // A cursor of another list (the paid filter) or of another org is refused.
    expectError(await call(finance, 'GET', `/billing/invoices?status=paid&cursor=${encodeURIComponent(page1.body.nextCursor)}`), 400, 'invalid_cursor', 'query.cursor');
    expectError(await call(foreign, 'GET', `/billing/invoices?cursor=${encodeURIComponent(page1.body.nextCursor)}`), 400, 'invalid_cursor');
    expectError(await call(finance, 'GET', '/billing/invoices?status=open'), 400, 'invalid_field', 'query.status');
  });

  it('is for site admins and finance of the org only', async () => {
    expectError(await call(buyer, 'GET', '/billing/invoices'), 403, 'role_forbidden');
    const foreignList = await call(foreign, 'GET', '/billing/invoices');
    expect(foreignList.body.items).toEqual([]);
    expectError(await call(foreign, 'GET', `/billing/invoices/${invoiceIds[0]}`), 404, 'invoice_not_found');
    expectError(await call(foreign, 'GET', `/billing/invoices/${invoiceIds[0]}/pdf`), 404, 'invoice_not_found');
    expectError(await call(admin, 'GET', `/billing/invoices/inv_${'0'.repeat(20)}`), 404, 'invoice_not_found', 'path.invoiceId');
    expectError(await call(admin, 'GET', '/billing/invoices/INV-1'), 400, 'invalid_field', 'path.invoiceId');
    expect((await api.call('GET', '/billing/invoices')).status).toBe(401);
  });

  it('shows an invoice with its lines, VAT per rate and totals (SD-5 fields)', async () => {
    const two = tickets[1] as (typeof tickets)[number];
    const list = await call(finance, 'GET', '/billing/invoices');
    const id = list.body.items.find((i: { ticketReferences: string[] }) => i.ticketReferences.includes(two.reference)).invoiceId;
    const { result: res, calls } = await countDynamoCalls(() => call(finance, 'GET', `/billing/invoices/${id}`));
    expect(res.status, res.text).toBe(200);
    expect(calls.length).toBeLessThanOrEqual(3); // principal + settings + the invoice partition
    expect(res.body).toMatchObject({
      invoiceId: id,
      status: 'unpaid',
      period: two.reference,
      seller: { name: 'Vendor Europe Ltd', vatId: 'IE6388047V', address: { country: 'IE' } },
      buyer: { name: org.name },
      lines: [
        {
          ticketReference: two.reference,
          internalReference: 'Apprenti 2026-014',
          deviceModel: 'OptiPlex 7020',
          quantity: 2,
          unitPrice: { amountMinor: 84_900, currency: 'EUR' },
          amount: { amountMinor: 169_800, currency: 'EUR' },
          deliveryAddress: 'Noah Petit, 21 avenue Jean Jaurès, 69007 Lyon, FR',
          shipDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          dataEntryDate: two.createdAt.slice(0, 10),
        },
      ],
      subtotal: { amountMinor: 169_800 },
      vat: [{ rate: '23 %', rateBasisPoints: 2300, net: { amountMinor: 169_800 }, vat: { amountMinor: 39_054 } }],
      total: { amountMinor: 208_854, currency: 'EUR' },
    });
  });

  it('renders the PDF once and links it afresh on every call; its text has every line', async () => {
    const id = invoiceIds[0] as string;
    const detail = (await call(finance, 'GET', `/billing/invoices/${id}`)).body;
    const res = await call(finance, 'GET', `/billing/invoices/${id}/pdf`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.fileName).toBe(`${detail.number}.pdf`);
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(300_000);
    const file = await fetch(res.body.url);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const text = (await new PDFParse({ data: bytes }).getText()).text;
    expect(text).toContain(detail.number);
    for (const line of detail.lines) {
      for (const field of [line.ticketReference, line.internalReference, line.deviceModel, line.dataEntryDate, line.shipDate]) expect(text).toContain(field);
    }
    expect(text).toContain('Société Générale d’Équipement');
    expect(text).toMatch(/VAT 23 %/); // the caller's locale (en)
    // Rendered once: the second call signs a new link from the stored key (no render, no write).
    const { result: again, calls } = await countDynamoCalls(() => call(finance, 'GET', `/billing/invoices/${id}/pdf`));
    expect(again.status).toBe(200);
    expect(calls.filter((c) => c === 'UpdateCommand' || c === 'PutCommand')).toEqual([]);
    expect((await fetch(again.body.url)).status).toBe(200);
  });

  it('is unavailable while the org\'s billing report is disabled (BI-1)', async () => {
    const res = await call(admin, 'PUT', '/billing/settings', { body: { mode: 'per_order', contacts: [], reportEnabled: false } });
    expect(res.status, res.text).toBe(200);
    expectError(await call(finance, 'GET', '/billing/invoices'), 403, 'billing_report_disabled');
    expectError(await call(finance, 'GET', `/billing/invoices/${invoiceIds[0]}`), 403, 'billing_report_disabled');
    expectError(await call(finance, 'GET', '/billing/transactions'), 403, 'billing_report_disabled');
    expect((await call(admin, 'PUT', '/billing/settings', { body: { mode: 'per_order', contacts: [], reportEnabled: true } })).status).toBe(200);
  });
});

describe('payments (BI-3)', () => {
  let visa: string;

  it('stores a card as a token with brand, last 4 and expiry only', async () => {
    const res = await post(finance, '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({ paymentMethodId: expect.stringMatching(/^pm_[0-9a-z]{20}$/), brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034, billingCountry: 'FR', createdAt: expect.any(String) });
    visa = res.body.paymentMethodId;
    const list = await call(admin, 'GET', '/billing/payment-methods');
    expect(list.body.items).toContainEqual(res.body);
    expectError(await post(finance, '/billing/payment-methods', { token: 'tok_unknown', billingCountry: 'FR' }), 400, 'unknown_payment_token', 'body.token');
    expectError(await post(finance, '/billing/payment-methods', { token: 'tok_visa_expired', billingCountry: 'FR' }), 400, 'expired_card', 'body.token');
    expectError(await post(finance, '/billing/payment-methods', { token: 'visa', billingCountry: 'FR' }), 400, 'invalid_field', 'body.token');
    expectError(await post(buyer, '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' }), 403, 'role_forbidden');
    expectError(await call(finance, 'POST', '/billing/payment-methods', { body: { token: 'tok_visa', billingCountry: 'FR' } }), 400, 'missing_field', 'header.idempotency-key');
  });

  it('refuses anything that looks like a card number with 400, and never logs it', async () => {
    const logs = captureLogs();
    try {
      for (const body of [
        { token: '4242424242424242', billingCountry: 'FR' },
        { token: 'tok_visa', billingCountry: 'FR', note: 'card 4111 1111 1111 1111 exp 12/30' },
        { token: 'tok_visa', billingCountry: 'FR', pan: '5555-5555-5555-4444' },
      ]) {
        expectError(await post(finance, '/billing/payment-methods', body), 400, 'card_number_refused', 'body');
      }
      expectError(await post(finance, `/billing/invoices/${invoiceIds[0]}/payments`, { paymentMethodId: visa, cvc: '4000056655665556' }), 400, 'card_number_refused');
    } finally {
      logs.restore();
    }
    const all = logs.lines.join('\n');
    for (const digits of ['4242424242424242', '4111 1111 1111 1111', '5555-5555-5555-4444', '4000056655665556']) expect(all).not.toContain(digits);
    expect(logs.records().some((r) => r.errorCode === 'card_number_refused')).toBe(true);
    const methods = await call(finance, 'GET', '/billing/payment-methods');
    expect(JSON.stringify(methods.body)).not.toMatch(/4242424242|41111111/);
    // A 16-digit number failing Luhn is no card: it is just an invalid token.
    expectError(await post(finance, '/billing/payment-methods', { token: '4242424242424241', billingCountry: 'FR' }), 400, 'invalid_field', 'body.token');
  });

  it('explains declines with 402 and a code, charging nothing', async () => {
    const id = invoiceIds[0] as string;
    for (const [token, country, code] of [
      ['tok_chargeDeclinedInsufficientFunds', 'FR', 'insufficient_funds'],
      ['tok_chargeDeclinedExpiredCard', 'FR', 'expired_card'],
      ['tok_chargeDeclined', 'FR', 'card_declined'],
      ['tok_chargeDeclinedIncorrectNumber', 'FR', 'incorrect_number'],
      ['tok_avsCheckFail', 'FR', 'address_verification_failed'],
    ] as const) {
      const pm = await post(finance, '/billing/payment-methods', { token, billingCountry: country });
      expect(pm.status, pm.text).toBe(201);
      const res = await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: pm.body.paymentMethodId });
      expectError(res, 402, code, 'body.paymentMethodId');
      expect(res.body.error.type).toBe('card_error');
      expect(res.body.error.message.length).toBeGreaterThan(20);
    }
    expect((await call(finance, 'GET', `/billing/invoices/${id}`)).body.status).toBe('unpaid');
    expect((await call(finance, 'GET', '/billing/transactions')).body.items).toEqual([]);
    expectError(await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: `pm_${'0'.repeat(20)}` }), 404, 'payment_method_not_found', 'body.paymentMethodId');
    expectError(await post(foreign, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }), 404, 'invoice_not_found');
    expectError(await post(buyer, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }), 403, 'role_forbidden');
    expectError(await call(finance, 'POST', `/billing/invoices/${id}/payments`, { body: { paymentMethodId: visa } }), 400, 'missing_field', 'header.idempotency-key');
  });

  it('shows unpaid invoices past due as pending payments in getMe, to payers only', async () => {
    const me = await call(finance, 'GET', '/me');
    expect(me.body.pendingPayments).toHaveLength(3);
    expect(me.body.pendingPayments[0]).toMatchObject({ invoiceId: expect.stringMatching(/^inv_/), total: { currency: 'EUR' } });
    expect((await call(buyer, 'GET', '/me')).body.pendingPayments).toBeUndefined();
  });

  it('pays with the card on file once per Idempotency-Key: invoice paid, transaction, tickets Billed', async () => {
    const id = invoiceIds[0] as string;
    const detail = (await call(finance, 'GET', `/billing/invoices/${id}`)).body;
    const charges = testModeGateway.charges();
    const key = randomUUID();
    const paid = await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }, key);
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body).toMatchObject({ invoiceId: id, invoiceNumber: detail.number, amount: detail.total, status: 'succeeded', paymentMethod: { paymentMethodId: visa, brand: 'visa', last4: '4242' } });
    const replay = await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }, key);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(paid.body);
    expect(testModeGateway.charges()).toBe(charges + 1);
    expectError(await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }), 409, 'invoice_already_paid', 'path.invoiceId');
    expect((await call(finance, 'GET', `/billing/invoices/${id}`)).body).toMatchObject({ status: 'paid', overdue: false, paidAt: paid.body.createdAt });
    expect((await call(finance, 'GET', '/billing/invoices?status=paid')).body.items.map((i: { invoiceId: string }) => i.invoiceId)).toEqual([id]);
    expect((await call(finance, 'GET', '/billing/invoices?status=unpaid')).body.items).toHaveLength(2);
    expect((await call(finance, 'GET', '/billing/transactions')).body.items).toEqual([paid.body]);
    const ticket = tickets.find((t) => detail.lines[0].ticketId === t.ticketId) as (typeof tickets)[number];
    const item = (await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.ticket(org.orgId, ticket.ticketId) }))).Item;
    expect(item).toMatchObject({ status: 'billed', invoiceId: id, gsi2pk: 'TICKETS#billed' });
    expect((await call(finance, 'GET', '/me')).body.pendingPayments).toHaveLength(2);
  });

  it('lets one of two payers racing with two cards through: one charge, the other 409; a declined attempt frees the invoice', async () => {
    const id = invoiceIds[2] as string;
    const mc = (await post(finance, '/billing/payment-methods', { token: 'tok_mastercard', billingCountry: 'FR' })).body.paymentMethodId;
    const declined = (await post(finance, '/billing/payment-methods', { token: 'tok_chargeDeclined', billingCountry: 'FR' })).body.paymentMethodId;
    expectError(await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: declined }), 402, 'card_declined', 'body.paymentMethodId');
    const charges = testModeGateway.charges();
    const results = await Promise.all([post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: visa }), post(admin, `/billing/invoices/${id}/payments`, { paymentMethodId: mc })]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409);
    expect(['payment_in_progress', 'invoice_already_paid']).toContain(loser?.body.error.code);
    expect(testModeGateway.charges()).toBe(charges + 1);
    expect((await call(finance, 'GET', `/billing/invoices/${id}`)).body.status).toBe('paid');
  });

  it('verifies the billing address outside the US only: the AVS token pays with a US address', async () => {
    const pm = await post(finance, '/billing/payment-methods', { token: 'tok_avsCheckFail', billingCountry: 'US' });
    const res = await post(finance, `/billing/invoices/${invoiceIds[1]}/payments`, { paymentMethodId: pm.body.paymentMethodId });
    expect(res.status, res.text).toBe(201);
  });
});

describe('settings and VAT ID (SD-5, BI-4)', () => {
  it('reads and updates the billing mode, contacts and report switch', async () => {
    const org2 = await createTestOrg({ country: 'DE' });
    const a = await createTestUser({ org: { org: org2, role: 'site_admin' } });
    expect((await call(a, 'GET', '/billing/settings')).body).toEqual({ mode: 'per_order', contacts: [], reportEnabled: true, vat: { offered: true } });
    const body = { mode: 'quarterly', contacts: [{ name: 'Jana Keller', email: 'Buchhaltung@Example.com', locale: 'de' }], reportEnabled: true };
    const res = await call(a, 'PUT', '/billing/settings', { body });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ mode: 'quarterly', contacts: [{ name: 'Jana Keller', email: 'buchhaltung@example.com', locale: 'de' }] });
    expect((await call(a, 'GET', '/billing/settings')).body.mode).toBe('quarterly');
    expectError(await call(a, 'PUT', '/billing/settings', { body: { ...body, mode: 'monthly' } }), 400, 'invalid_field', 'body.mode');
    expectError(await call(a, 'PUT', '/billing/settings', { body: { ...body, contacts: [body.contacts[0], body.contacts[0]] } }), 400, 'duplicate_contact', 'body.contacts');
    expectError(await call(a, 'PUT', '/billing/settings', { body: { ...body, contacts: [{ ...body.contacts[0], email: 'nope' }] } }), 400, 'invalid_field');
    expectError(await call(buyer, 'PUT', '/billing/settings', { body }), 403, 'role_forbidden');
  });

  it('validates VAT IDs at once and offers them to EU orgs only', async () => {
    const res = await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'fr 40 303 265 045' } });
    expect(res.status, res.text).toBe(200);
    // No VIES on the local stack: recorded, status unchecked (never reverse-charged until verified).
    expect(res.body.vat).toMatchObject({ offered: true, vatId: 'FR40303265045', status: 'unchecked' });
    expectError(await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265046' } }), 400, 'invalid_vat_id_checksum', 'body.vatId');
    expectError(await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR123' } }), 400, 'invalid_vat_id_format', 'body.vatId');
    expectError(await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'DE136695976' } }), 400, 'vat_id_country_mismatch', 'body.vatId');
    expectError(await call(usAdmin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265045' } }), 422, 'vat_id_not_offered', 'body.vatId');
    expect((await call(usAdmin, 'GET', '/billing/settings')).body.vat).toEqual({ offered: false });
    expectError(await call(buyer, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265045' } }), 403, 'role_forbidden');
  });

  it('answers 404 organization_not_found when the member\'s organization item is gone, and writes no settings', async () => {
    const gone = await createTestOrg({ country: 'FR' });
    const a = await createTestUser({ org: { org: gone, role: 'site_admin' } });
    await documentClient().send(new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: keys.org(gone.orgId) }));
    expectError(await call(a, 'GET', '/billing/settings'), 404, 'organization_not_found');
    expectError(await call(a, 'PUT', '/billing/settings', { body: { mode: 'quarterly', contacts: [], reportEnabled: true } }), 404, 'organization_not_found');
    expectError(await call(a, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265045' } }), 404, 'organization_not_found');
    const stored = await documentClient().send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: keys.billingSettings(gone.orgId) }));
    expect(stored.Item).toBeUndefined();
  });
});
