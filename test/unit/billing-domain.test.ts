import { describe, expect, it, vi } from 'vitest';
import { invoiceIdFor, invoiceNumber, lineOf, runKeyOf } from '#shared/domain/billing/batch.ts';
import { containsCardNumber, luhnValid } from '#shared/domain/billing/cards.ts';
import { REPORT_CURSOR_MS, listBillingTransactions, listInvoices } from '#shared/domain/billing/invoices.ts';
import { isFreeTrial } from '#shared/domain/billing/lifecycle.ts';
import type { BillableTicket, BillingTransaction } from '#shared/domain/billing/model.ts';
import type { BillingStore, InvoiceListEntry, SwitchedPage } from '#shared/domain/billing/ports.ts';
import { DEFAULT_PRICE_MINOR, unitPriceOf } from '#shared/domain/billing/model.ts';
import { EU_VAT_RATES_BP, formatMoney, formatRate, rateFor, totalsOf, vatOf, vatTreatment } from '#shared/domain/billing/money.ts';
import { localDate, localMidnight, parseTarget, periodOf, scheduledTarget } from '#shared/domain/billing/period.ts';
import { normalizeVatId, validateVatId } from '#shared/domain/billing/vat.ts';
import { pendingPayments } from '#shared/domain/identity/me.ts';
import type { Principal } from '#shared/domain/identity/model.ts';
import { membership, profile } from '#test/builders/events.ts';
import { clearCursors } from '#test/support/cursors.ts';

describe('VAT maths in minor units', () => {
  it('rounds VAT half away from zero to the cent, integers only', () => {
    expect(vatOf(74_900, 2300)).toBe(17_227); // 172.27
    expect(vatOf(1, 2300)).toBe(0); // 0.23 cent
    expect(vatOf(2, 2500)).toBe(1); // 0.5 cent -> 1
    expect(vatOf(-2, 2500)).toBe(-1); // credit notes round symmetrically
    expect(vatOf(10_050, 2550)).toBe(2563); // 25.5 % (FI): 2562.75 -> 2563
    expect(vatOf(0, 2100)).toBe(0);
    expect(() => vatOf(1.5, 2000)).toThrow(RangeError);
  });

  it('computes VAT once per rate on the sum, not per line', () => {
    // Three lines of 0.02 at 25 %: per line 0.005 -> 0.01 each (0.03); on the sum 0.06 -> 0.015 -> 0.02.
    const t = totalsOf(new Map([[2500, 6]]));
    expect(t).toEqual({ vat: [{ rateBp: 2500, netMinor: 6, vatMinor: 2 }], subtotalMinor: 6, vatMinor: 2, totalMinor: 8 });
    const mixed = totalsOf(new Map([[700, 10_000], [2300, 74_900]]));
    expect(mixed.vat.map((v) => v.rateBp)).toEqual([2300, 700]);
    expect(mixed).toMatchObject({ subtotalMinor: 84_900, vatMinor: 17_227 + 700, totalMinor: 84_900 + 17_927 });
  });

  it('applies the seller rate at home and to EU buyers without a verified VAT ID, reverse charge across borders, 0 % for exports', () => {
    expect(vatTreatment('IE', { country: 'IE', vatVerified: true })).toBe('domestic');
    expect(vatTreatment('IE', { country: 'DE', vatVerified: true })).toBe('intra_eu_reverse_charge');
    expect(vatTreatment('IE', { country: 'de', vatVerified: false })).toBe('intra_eu_no_vat_id');
    expect(vatTreatment('IE', { country: 'US', vatVerified: false })).toBe('export');
    expect(vatTreatment('IE', { country: 'CH', vatVerified: true })).toBe('export');
    expect(rateFor('domestic', 'IE')).toBe(2300);
    expect(rateFor('intra_eu_no_vat_id', 'FI')).toBe(2550);
    expect(rateFor('intra_eu_reverse_charge', 'IE')).toBe(0);
    expect(rateFor('export', 'IE')).toBe(0);
    expect(() => rateFor('domestic', 'US')).toThrow();
    expect(Object.keys(EU_VAT_RATES_BP)).toHaveLength(27);
  });

  it('formats amounts per locale with the currency code, and rates', () => {
    expect(formatMoney(123_456, 'EUR', 'fr').replace(/\s/g, ' ')).toBe('1 234,56 EUR');
    expect(formatMoney(123_456, 'EUR', 'de').replace(/\s/g, ' ')).toBe('1.234,56 EUR');
    expect(formatMoney(123_456, 'EUR', 'en').replace(/\s/g, ' ')).toBe('EUR 1,234.56');
    expect(formatMoney(1234, 'JPY', 'ja').replace(/\s/g, ' ')).toBe('JPY 1,234');
    expect(formatRate(2550)).toBe('25.5 %');
  });
});

describe('billing periods in the billing time zone', () => {
  it('bounds a day by local midnights, across daylight saving changes', () => {
    expect(periodOf({ kind: 'date', date: '2026-07-02' }, 'Europe/Paris')).toMatchObject({ mode: 'per_order', start: '2026-07-01T22:00:00.000Z', end: '2026-07-02T22:00:00.000Z' });
    // 29 March 2026: Paris moves from +01:00 to +02:00, a 23-hour day.
    const dst = periodOf({ kind: 'date', date: '2026-03-29' }, 'Europe/Paris');
    expect(dst).toMatchObject({ start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z' });
    expect(periodOf({ kind: 'date', date: '2026-07-02' }, 'UTC')).toMatchObject({ start: '2026-07-02T00:00:00.000Z', end: '2026-07-03T00:00:00.000Z' });
    expect(periodOf({ kind: 'date', date: '2026-12-31' }, 'Asia/Tokyo').end).toBe('2026-12-31T15:00:00.000Z');
  });

  it('bounds quarters, Q4 ending at the next year', () => {
    expect(periodOf({ kind: 'period', period: '2026-Q3' }, 'Europe/Paris')).toMatchObject({ mode: 'quarterly', start: '2026-06-30T22:00:00.000Z', end: '2026-09-30T22:00:00.000Z' });
    expect(periodOf({ kind: 'period', period: '2026-Q4' }, 'Europe/Paris')).toMatchObject({ start: '2026-09-30T22:00:00.000Z', end: '2026-12-31T23:00:00.000Z' });
    expect(periodOf({ kind: 'period', period: '2026-Q1' }, 'America/New_York').start).toBe('2026-01-01T05:00:00.000Z');
  });

  it('derives what a scheduled run covers from its scheduled time', () => {
    // 01:30 UTC on 1 Oct is 03:30 in Paris: the quarterly run covers Q3; the daily run the previous day.
    expect(scheduledTarget('quarterly', new Date('2026-10-01T01:30:00Z'), 'Europe/Paris')).toEqual({ kind: 'period', period: '2026-Q3' });
    expect(scheduledTarget('quarterly', new Date('2027-01-01T02:00:00Z'), 'Europe/Paris')).toEqual({ kind: 'period', period: '2026-Q4' });
    expect(scheduledTarget('per_order', new Date('2026-07-03T00:30:00Z'), 'Europe/Paris')).toEqual({ kind: 'date', date: '2026-07-02' });
    // The same instant is still 2 July in New York.
    expect(scheduledTarget('per_order', new Date('2026-07-03T00:30:00Z'), 'America/New_York')).toEqual({ kind: 'date', date: '2026-07-01' });
    expect(scheduledTarget('per_order', new Date('2026-03-01T00:30:00Z'), 'Europe/Paris')).toEqual({ kind: 'date', date: '2026-02-28' });
    expect(localDate(new Date('2026-07-02T23:30:00Z'), 'Europe/Paris')).toBe('2026-07-03');
    expect(localMidnight(2026, 10, 25, 'Europe/Paris').toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('refuses malformed targets', () => {
    expect(() => parseTarget({})).toThrow(expect.objectContaining({ code: 'invalid_batch_target' }));
    expect(() => parseTarget({ date: '2026-02-29' })).toThrow(expect.objectContaining({ code: 'invalid_date' }));
    expect(() => parseTarget({ period: '2026-Q0' })).toThrow(expect.objectContaining({ code: 'invalid_period' }));
    expect(parseTarget({ date: '2028-02-29' })).toEqual({ kind: 'date', date: '2028-02-29' });
  });
});

describe('batch planning', () => {
  const ticket: BillableTicket = {
    orgId: 'org_a',
    ticketId: 'tkt_1',
    number: 42,
    reference: 'GEM-42',
    internalReference: 'PO-9',
    createdAt: '2026-06-01T08:00:00.000Z',
    readyAt: '2026-07-02T10:00:00.000Z',
    shipDate: '2026-07-01',
    deviceModel: ' latitude  5450 ',
    serialNumbers: ['A', 'B', 'C'],
    deliveryAddress: { recipient: 'Noah', line1: '1 rue X', postalCode: '69001', city: 'Lyon', country: 'FR' },
    requester: { userId: 'u', email: 'u@x.example', name: 'U', locale: 'fr' },
  };

  it('prices a line per device from the price list, and carries every SD-5 field', () => {
    expect(lineOf('inv_x', ticket)).toMatchObject({
      reference: 'GEM-42',
      internalReference: 'PO-9',
      dataEntryDate: '2026-06-01',
      shipDate: '2026-07-01',
      quantity: 3,
      unitPriceMinor: 112_900,
      netMinor: 338_700,
      deliveryAddress: 'Noah, 1 rue X, 69001 Lyon, FR',
    });
    expect(lineOf('inv_x', { ...ticket, serialNumbers: undefined, deviceModel: undefined })).toMatchObject({ quantity: 1, unitPriceMinor: DEFAULT_PRICE_MINOR, deviceModel: 'Device' });
    expect(unitPriceOf('Unknown 9000')).toBe(DEFAULT_PRICE_MINOR);
  });

  it('makes deterministic invoice ids and run keys, and gapless-looking numbers', () => {
    expect(invoiceIdFor(['org_a', 'quarter', '2026-Q3'])).toBe(invoiceIdFor(['org_a', 'quarter', '2026-Q3']));
    expect(invoiceIdFor(['org_a', 'quarter', '2026-Q3'])).not.toBe(invoiceIdFor(['org_b', 'quarter', '2026-Q3']));
    expect(invoiceIdFor(['org_a', 'order', 'tkt_1'])).toMatch(/^inv_[0-9a-z]{20}$/);
    const q3 = periodOf({ kind: 'period', period: '2026-Q3' }, 'UTC');
    expect(runKeyOf(q3)).toBe('quarter-2026-Q3');
    expect(runKeyOf(q3, ['b', 'a'])).toBe(runKeyOf(q3, ['a', 'b']));
    expect(invoiceNumber(7)).toBe('INV-0000007');
  });

  it('shows only invoices past their due date as pending payments', () => {
    const unpaid = [
      { invoiceId: 'inv_1', number: 'INV-1', dueDate: '2026-07-01', totalMinor: 100, currency: 'EUR' },
      { invoiceId: 'inv_2', number: 'INV-2', dueDate: '2026-07-02', totalMinor: 200, currency: 'EUR' },
    ];
    expect(pendingPayments(unpaid, new Date('2026-07-02T10:00:00Z'))).toEqual([{ invoiceId: 'inv_1', number: 'INV-1', dueDate: '2026-07-01', total: { amountMinor: 100, currency: 'EUR' } }]);
  });
});

describe('card numbers (BI-3) and VAT IDs (BI-4)', () => {
  it('finds Luhn-valid 13-19 digit numbers anywhere, spaced or dashed', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(containsCardNumber({ token: '4242 4242 4242 4242' })).toBe(true);
    expect(containsCardNumber({ a: [{ b: 'pay with 5555-5555-5555-4444 please' }] })).toBe(true);
    expect(containsCardNumber({ n: 4111111111111111 })).toBe(true);
    expect(containsCardNumber({ '378282246310005': 'key' })).toBe(true); // Amex, 15 digits, as a key
    expect(containsCardNumber({ token: 'tok_visa', phone: '+33612345678', vat: 'FR40303265045' })).toBe(false);
    expect(containsCardNumber({ id: '4242424242424241' })).toBe(false); // fails Luhn
    expect(containsCardNumber({ long: '42424242424242424242' })).toBe(false); // 20 digits
  });

  it('validates EU VAT IDs at once: normalisation, country, format, checksum', () => {
    expect(normalizeVatId('fr 40-303.265 045')).toBe('FR40303265045');
    expect(validateVatId('FR 40 303 265 045', 'FR')).toBe('FR40303265045');
    expect(validateVatId('40303265045', 'FR')).toBe('FR40303265045');
    expect(validateVatId('EL094259216', 'GR')).toBe('EL094259216');
    expect(() => validateVatId('FR40303265046', 'FR')).toThrow(expect.objectContaining({ code: 'invalid_vat_id_checksum' }));
    expect(() => validateVatId('FR4030', 'FR')).toThrow(expect.objectContaining({ code: 'invalid_vat_id_format' }));
    expect(() => validateVatId('DE136695976', 'FR')).toThrow(expect.objectContaining({ code: 'vat_id_country_mismatch' }));
    expect(() => validateVatId('FR40303265045', 'US')).toThrow(expect.objectContaining({ code: 'vat_id_not_offered' }));
    expect(() => validateVatId('CHE116281710', 'CH')).toThrow(expect.objectContaining({ code: 'vat_id_not_offered' }));
  });

  it('treats the Basic tier as the free trial', () => {
    expect(isFreeTrial({ tier: 'basic' })).toBe(true);
    expect(isFreeTrial({ tier: 'limited' })).toBe(false);
    expect(isFreeTrial({ tier: 'enterprise' })).toBe(false);
  });
});

describe('lists guarded by the billing report switch (BI-1: the switch read with the first page)', () => {
  const NOW = new Date('2026-03-02T10:00:00.000Z');
  const clock = { now: () => NOW };
  const finance = (() => {
    const p = profile({ userId: 'u1', name: 'Ana', email: 'ana@acme.example' });
    const m = membership({ userId: 'u1', role: 'finance' });
    return { ...p, profile: p, groups: [], isStaff: false, memberships: [m], activeOrg: m } as Principal;
  })();
  const cursors = clearCursors;
  const entry: InvoiceListEntry = { invoiceId: 'inv_1', invoiceNumber: 'INV-0000001', issuedAt: '2026-03-01T02:00:00.000Z', dueDate: '2026-03-31', status: 'issued', currency: 'EUR', totalMinor: 100, period: 'GEM-1', ticketReferences: ['GEM-1'] };
  const txn = { orgId: 'org_aaaaaaaa01', transactionId: 'txn_1', invoiceId: 'inv_1', invoiceNumber: 'INV-0000001', amountMinor: 100, currency: 'EUR', status: 'succeeded', paymentMethodId: 'pm_1', brand: 'visa', last4: '4242', processorReference: 'ch_1', createdAt: '2026-03-01T03:00:00.000Z', createdBy: 'u1' } satisfies BillingTransaction;
  const lastKey = { pk: 'x', sk: 'y' };
  /** A store whose first page carries `report`, as the Query returns it (later pages never do). */
  const storeWith = (report: SwitchedPage<unknown>['report']) => {
    const listInvoices = vi.fn<BillingStore['listInvoices']>(async (_o, _s, _l, after) => ({ items: [entry], lastKey, ...(after ? {} : { report }) }));
    const listTransactions = vi.fn<BillingStore['listTransactions']>(async (_o, _l, after) => ({ items: [txn], lastKey, ...(after ? {} : { report }) }));
    return { listInvoices, listTransactions };
  };
  const both = (store: ReturnType<typeof storeWith>, c: { now: () => Date }, cursor?: { invoices?: string | undefined; payments?: string | undefined }) =>
    Promise.allSettled([
      listInvoices({ limit: 10, cursor: cursor?.invoices }, finance, { store, cursors, clock: c }),
      listBillingTransactions({ limit: 10, cursor: cursor?.payments }, finance, { store, cursors, clock: c }),
    ]);

  it('refuses a first page with 403 while the switch read with it is off, serves it when on or never set', async () => {
    for (const [report, ok] of [[{ reportEnabled: false }, false], [{ reportEnabled: true }, true], [undefined, true]] as const) {
      const store = storeWith(report);
      const [invoices, payments] = await both(store, clock);
      for (const r of [invoices, payments]) {
        if (ok) expect(r).toMatchObject({ status: 'fulfilled', value: { items: [expect.any(Object)], nextCursor: expect.any(String) } });
        else expect(r).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ name: 'ForbiddenError', code: 'billing_report_disabled' }) });
      }
      // One store read per request (the page and the switch together), never a separate settings read.
      expect(store.listInvoices).toHaveBeenCalledTimes(1);
      expect(store.listTransactions).toHaveBeenCalledTimes(1);
    }
  });

  it('serves a cursor page within 15 minutes without the switch (the cursor stands in for it), refuses an older cursor like the desk', async () => {
    const on = storeWith({ reportEnabled: true });
    const [invoices, payments] = await both(on, clock);
    const next = {
      invoices: (invoices as PromiseFulfilledResult<{ nextCursor?: string }>).value.nextCursor,
      payments: (payments as PromiseFulfilledResult<{ nextCursor?: string }>).value.nextCursor,
    };
    // Switched off since: a first page is refused at once, a cursor page within 15 minutes is still served.
    const off = storeWith({ reportEnabled: false });
    const within = { now: () => new Date(NOW.getTime() + REPORT_CURSOR_MS) };
    for (const r of await both(off, within)) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'billing_report_disabled' } });
    for (const r of await both(off, within, next)) expect(r).toMatchObject({ status: 'fulfilled', value: { items: [expect.any(Object)] } });
    expect(off.listInvoices.mock.calls.at(-1)?.[3]).toEqual(lastKey);
    // Older than 15 minutes: 400 invalid_cursor (start again from the first page), as the desk's member cursors.
    const later = { now: () => new Date(NOW.getTime() + REPORT_CURSOR_MS + 1) };
    for (const r of await both(on, later, next)) expect(r).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ name: 'ValidationError', code: 'invalid_cursor', param: 'query.cursor' }) });
  });

  it('counts the 15 minutes from the first page (when the switch was read), not from the page before', async () => {
    const on = storeWith({ reportEnabled: true });
    const at = (ms: number) => ({ now: () => new Date(NOW.getTime() + ms) });
    const cursorsOf = (rs: PromiseSettledResult<{ nextCursor?: string | undefined }>[]) => ({
      invoices: (rs[0] as PromiseFulfilledResult<{ nextCursor?: string }>).value.nextCursor,
      payments: (rs[1] as PromiseFulfilledResult<{ nextCursor?: string }>).value.nextCursor,
    });
    const second = cursorsOf(await both(on, at(10 * 60_000), cursorsOf(await both(on, clock))));
    expect(second.invoices).toEqual(expect.any(String));
    expect(second.payments).toEqual(expect.any(String));
    for (const r of await both(on, at(20 * 60_000), second)) expect(r).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ code: 'invalid_cursor' }) });
    for (const r of await both(on, at(REPORT_CURSOR_MS), second)) expect(r).toMatchObject({ status: 'fulfilled' });
  });
});
