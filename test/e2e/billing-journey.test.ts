import { randomUUID } from 'node:crypto';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestOrg, createTestUser } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

/**
 * Billing end to end (BI-1..BI-3, SD-5) against the local stack: a device request reaches Ready to bill
 * through the desk, the daily batch invoices it, the invoice email reaches the billing contact in German,
 * the PDF carries the order, finance pays it with a test card and the ticket is Billed (the requester is
 * told).
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('billing journey', () => {
  it('takes a ticket from Ready to bill to Billed through an invoice paid by card', async () => {
    const org = await createTestOrg({ country: 'DE', name: 'Müller Werkzeugbau GmbH' });
    const [requester, finance, staff] = await Promise.all([
      createTestUser({ org: { org, role: 'buyer' } }),
      createTestUser({ org: { org, role: 'finance' } }),
      createTestUser({ staff: true }),
    ]);
    const as = (u: typeof finance) => u.tokens.accessToken;
    const contact = `buchhaltung-${randomUUID().slice(0, 8)}@mueller.example`;
    const settings = await api.call('PUT', '/billing/settings', { token: as(finance), body: { mode: 'per_order', contacts: [{ name: 'Jana Keller', email: contact, locale: 'de' }], reportEnabled: true } });
    expect(settings.status, settings.text).toBe(200);

    // SD-1/SD-2: the order, shipped and Ready to bill.
    const created = await api.call('POST', '/desk/tickets', {
      token: as(requester),
      headers: { 'idempotency-key': randomUUID() },
      body: {
        deliveryAddress: { recipient: 'Lena Schmidt', line1: 'Hauptstraße 5', postalCode: '70173', city: 'Stuttgart', country: 'DE' },
        internalReference: 'Bestellung 4711',
        phone: '+4971112345678',
        apprentice: false,
      },
    });
    expect(created.status, created.text).toBe(201);
    const { ticketId, reference } = created.body as { ticketId: string; reference: string };
    const move = (body: Record<string, unknown>) => api.call('POST', `/staff/tickets/${ticketId}/transitions`, { token: as(staff), body });
    if (created.body.status === 'queued') throw new Error('desk intake is full: this journey needs a ticket in Review');
    expect((await move({ to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 5450' })).status).toBe(200);
    const shipDate = new Date().toISOString().slice(0, 10);
    expect((await move({ to: 'ready_to_bill', expectedVersion: 2, shipDate, serialNumbers: ['CN-0X5K2P-2026', 'CN-0X5K2P-2027'] })).status).toBe(200);

    // BI-2: the daily batch (as the scheduler would run it for today) invoices the order.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    const run = await runInvoiceBatch(
      { date: today, orgIds: [org.orgId] },
      { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(undefined), clock: { now: () => new Date() }, timeZone: 'Europe/Paris' },
    );
    expect(run).toMatchObject({ complete: true, invoicesIssued: 1, linesAdded: 1 });

    // BI-1: emailed to the billing contact, in German.
    const list = await api.call('GET', '/billing/invoices?status=unpaid', { token: as(finance) });
    expect(list.body.items).toHaveLength(1);
    const invoice = list.body.items[0];
    expect(invoice).toMatchObject({ period: reference, ticketReferences: [reference], total: { amountMinor: 2 * 112_900 + Math.round(2 * 112_900 * 0.23), currency: 'EUR' } });
    const mail = await waitForMail(contact, (m) => m.subject.includes(invoice.number));
    expect(mail.subject).toBe(`Rechnung ${invoice.number} für ${org.name}`);
    expect(mail.body.text).toContain('2.777,34');

    // The PDF has the order line.
    const link = await api.call('GET', `/billing/invoices/${invoice.invoiceId}/pdf`, { token: as(finance) });
    expect(link.status, link.text).toBe(200);
    const text = (await new PDFParse({ data: new Uint8Array(await (await fetch(link.body.url)).arrayBuffer()) }).getText()).text;
    for (const s of [invoice.number, reference, 'Bestellung 4711', 'Latitude 5450', shipDate, 'Lena Schmidt, Hauptstraße 5, 70173 Stuttgart, DE', 'Müller Werkzeugbau GmbH']) expect(text).toContain(s);

    // BI-3: pay with a test card; the ticket is Billed and its requester told.
    const card = await api.call('POST', '/billing/payment-methods', { token: as(finance), headers: { 'idempotency-key': randomUUID() }, body: { token: 'tok_mastercard', billingCountry: 'DE' } });
    expect(card.status, card.text).toBe(201);
    const paid = await api.call('POST', `/billing/invoices/${invoice.invoiceId}/payments`, {
      token: as(finance),
      headers: { 'idempotency-key': randomUUID() },
      body: { paymentMethodId: card.body.paymentMethodId },
    });
    expect(paid.status, paid.text).toBe(201);
    expect(paid.body).toMatchObject({ amount: invoice.total, paymentMethod: { brand: 'mastercard', last4: '4444' } });
    const ticket = await api.call('GET', `/desk/tickets/${ticketId}`, { token: as(requester) });
    expect(ticket.body).toMatchObject({ status: 'billed' });
    expect(ticket.body.history.at(-1)).toMatchObject({ from: 'ready_to_bill', to: 'billed', note: `Invoice ${invoice.number} paid.` });
    await waitForMail(requester.email, (m) => m.subject.includes(reference) && m.subject.includes('Billed'));
    expect((await api.call('GET', '/billing/invoices?status=paid', { token: as(finance) })).body.items.map((i: { invoiceId: string }) => i.invoiceId)).toEqual([invoice.invoiceId]);
  });
});
