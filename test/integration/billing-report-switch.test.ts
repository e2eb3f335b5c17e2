import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { billingStore } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { REPORT_CURSOR_MS, listBillingTransactions, listInvoices } from '#shared/domain/billing/invoices.ts';
import type { BillingSettings } from '#shared/domain/billing/model.ts';
import type { Org, Principal } from '#shared/domain/identity/model.ts';
import { decodeCursor, encodeCursor } from '#shared/http/cursor.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { putReadyTicket, setBillingMode } from '#test/builders/billing.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { beforeEachDynamoCommand, countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * BI-1 report switch read beside the lists (docs/data-model.md "Settings beside the list", P72, P75): the
 * invoice list and the payments list each read the switch in the same Query as their first page (P1 + one
 * Query), later pages carry it in a signed cursor for 15 minutes. Against DynamoDB Local through the local API.
 */

let api: TestApi;
let org: Org;
let admin: TestUser;
let finance: TestUser;
let invoiceIds: string[] = [];
const payments: string[] = [];
const table = () => process.env.TABLE_NAME as string;

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) => api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown) => call(user, 'POST', path, { body, headers: { 'idempotency-key': randomUUID() } });
const setReport = async (reportEnabled: boolean) => {
  const res = await call(admin, 'PUT', '/billing/settings', { body: { mode: 'per_order', contacts: [], reportEnabled } });
  expect(res.status, res.text).toBe(200);
};
const get = async (key: { pk: string; sk: string }) => (await documentClient().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }))).Item;
const partition = async (pk: string) => (await documentClient().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': pk }, ConsistentRead: true }))).Items ?? [];

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

const ids = (res: ApiResponse, id: 'invoiceId' | 'transactionId') => (res.body.items as Record<string, string>[]).map((i) => i[id] as string);

/** Follows `nextCursor` with `limit=1` to the end; every page's items. */
async function allPages(user: TestUser, path: string, id: 'invoiceId' | 'transactionId'): Promise<{ items: string[]; pages: number }> {
  const items: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await call(user, 'GET', `${path}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(1);
    items.push(...ids(res, id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  return { items, pages };
}

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg({ country: 'FR' });
  [admin, finance] = await Promise.all([createTestUser({ org: { org, role: 'site_admin' } }), createTestUser({ org: { org, role: 'finance' } })]);
  // Three orders invoiced per order today (settings and the switch's mirror written by setBillingMode).
  for (let i = 0; i < 3; i++) await putReadyTicket(org, { readyAt: new Date(Date.now() - 86_400_000).toISOString() });
  await setBillingMode(org, 'per_order');
  const out = await runInvoiceBatch(
    { date: new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date()), orgIds: [org.orgId] },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(undefined), clock: systemClock, timeZone: 'Europe/Paris' },
  );
  expect(out.invoicesIssued).toBe(3);
  invoiceIds = ids(await call(finance, 'GET', '/billing/invoices'), 'invoiceId');
  expect(invoiceIds).toHaveLength(3);
  // Two cards on file (P74: PM#...) and two of the three invoices paid (P75); the third stays on the summary (P71).
  const visa = (await post(finance, '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' })).body.paymentMethodId as string;
  await post(finance, '/billing/payment-methods', { token: 'tok_mastercard', billingCountry: 'FR' });
  for (const id of invoiceIds.slice(0, 2)) {
    const paid = await post(finance, `/billing/invoices/${id}/payments`, { paymentMethodId: visa });
    expect(paid.status, paid.text).toBe(201);
    payments.unshift(paid.body.transactionId);
  }
});
afterAll(() => api.close());

describe('the report switch read with the first page (P72, P75)', () => {
  it('lists invoices and payments in one Query after the principal, and the switch item never shows as an entry', async () => {
    // The partitions really hold what the ranges must leave out.
    const billing = (await partition(keys.billingPartition(org.orgId))).map((i) => i.sk as string);
    expect(billing.filter((sk) => sk.startsWith('PM#'))).toHaveLength(2);
    expect(billing).toEqual(expect.arrayContaining(['SETTINGS', 'SUMMARY']));
    expect(billing.filter((sk) => sk.startsWith(keys.billingTransactionSkPrefix))).toHaveLength(2);
    expect((await partition(keys.invoiceReportPartition(org.orgId))).map((i) => i.sk)).toContain('SETTINGS');

    for (const path of ['/billing/invoices', '/billing/transactions']) {
      const { result, calls } = await countDynamoCalls(() => call(finance, 'GET', path));
      expect(result.status, result.text).toBe(200);
      expect(calls, path).toEqual(['QueryCommand', 'QueryCommand']);
    }
    const invoices = await call(finance, 'GET', '/billing/invoices');
    expect(ids(invoices, 'invoiceId')).toEqual(invoiceIds);
    for (const item of invoices.body.items) expect(item).toMatchObject({ invoiceId: expect.stringMatching(/^inv_/), number: expect.stringMatching(/^INV-/) });
    // The status filters let the mirror through to the code, never into the page.
    expect(ids(await call(finance, 'GET', '/billing/invoices?status=paid'), 'invoiceId').sort()).toEqual(invoiceIds.slice(0, 2).sort());
    expect(ids(await call(finance, 'GET', '/billing/invoices?status=unpaid'), 'invoiceId')).toEqual(invoiceIds.slice(2));
    // Payments only: no card on file, no summary, no settings.
    const txns = await call(finance, 'GET', '/billing/transactions');
    expect(ids(txns, 'transactionId')).toEqual(payments);
    for (const t of txns.body.items) expect(t).toMatchObject({ transactionId: expect.stringMatching(/^txn_/), invoiceId: expect.stringMatching(/^inv_/), status: 'succeeded' });
  });

  it('reads the switch with the AC-8 invoice report in one Query (P66 + P72), never as a row, for any range', async () => {
    const { result: res, calls } = await countDynamoCalls(() => call(finance, 'GET', '/account/reports/invoices'));
    expect(res.status, res.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    const rows = res.text.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(1 + invoiceIds.length);
    for (const row of rows.slice(1)) expect(row).toMatch(/^INV-/);
    expect(res.headers.get('x-report-rows')).toBe(String(invoiceIds.length));
    // A range that ended before these invoices: they lie between its end and the switch, and stay out.
    const past = await call(finance, 'GET', '/account/reports/invoices?from=2025-01-01&to=2025-01-31');
    expect(past.status, past.text).toBe(200);
    expect(past.text.split('\r\n').filter(Boolean)).toHaveLength(1);
  });

  it('closes both first pages at once when the report is switched off (403), and opens them again when it is on', async () => {
    await setReport(false);
    try {
      for (const path of ['/billing/invoices', '/billing/transactions', '/billing/invoices?status=paid', '/billing/invoices?status=unpaid']) {
        const { result, calls } = await countDynamoCalls(() => call(finance, 'GET', path));
        expectError(result, 403, 'billing_report_disabled');
        expect(calls, path).toEqual(['QueryCommand', 'QueryCommand']);
      }
      // The AC-8 invoice report too (BI-1: invoices only while the billing report is on), whatever the range;
      // the other reports stay open.
      for (const path of ['/account/reports/invoices', '/account/reports/invoices?from=2025-01-01&to=2025-01-31']) {
        const { result, calls } = await countDynamoCalls(() => call(finance, 'GET', path));
        expectError(result, 403, 'billing_report_disabled');
        expect(calls, path).toEqual(['QueryCommand', 'QueryCommand']);
      }
      expect((await call(finance, 'GET', '/account/reports/orders')).status).toBe(200);
    } finally {
      await setReport(true);
    }
    expect((await call(finance, 'GET', '/account/reports/invoices')).status).toBe(200);
    expect(ids(await call(finance, 'GET', '/billing/invoices'), 'invoiceId')).toEqual(invoiceIds);
    expect(ids(await call(finance, 'GET', '/billing/transactions'), 'transactionId')).toEqual(payments);
  });

  it('reads an org that never wrote its settings as switched on (no settings, no mirror)', async () => {
    const fresh = await createTestOrg({ country: 'DE' });
    const user = await createTestUser({ org: { org: fresh, role: 'finance' } });
    expect(await get(keys.billingSettings(fresh.orgId))).toBeUndefined();
    expect(await get(keys.invoiceListSwitch(fresh.orgId))).toBeUndefined();
    expect((await call(user, 'GET', '/billing/invoices')).body).toEqual({ items: [] });
    expect((await call(user, 'GET', '/billing/transactions')).body).toEqual({ items: [] });
  });
});

describe('cursor pages', () => {
  it('pages both lists to the end with limit=1 (the switch takes no place of a page)', async () => {
    const invoices = await allPages(finance, '/billing/invoices', 'invoiceId');
    expect(invoices.items).toEqual(invoiceIds);
    const txns = await allPages(finance, '/billing/transactions', 'transactionId');
    expect(txns.items).toEqual(payments);
    // Pages after the first never carry the switch or a payment method either.
    expect(txns.pages).toBeLessThanOrEqual(payments.length + 1);
  });

  it('keeps pages at `limit` when no switch is stored (the place kept for it goes to no extra entry)', async () => {
    const del = (key: { pk: string; sk: string }) => documentClient().send(new DeleteCommand({ TableName: table(), Key: key }));
    await Promise.all([del(keys.billingSettings(org.orgId)), del(keys.invoiceListSwitch(org.orgId))]);
    try {
      for (const [path, id, all] of [['/billing/invoices', 'invoiceId', invoiceIds], ['/billing/transactions', 'transactionId', payments]] as const) {
        const first = await call(finance, 'GET', `${path}?limit=1`);
        expect(first.status, first.text).toBe(200);
        expect(ids(first, id)).toEqual(all.slice(0, 1));
        expect(first.body.nextCursor).toEqual(expect.any(String));
        expect((await allPages(finance, path, id)).items).toEqual(all);
      }
    } finally {
      await setReport(true);
    }
  });

  it('serves a cursor issued before the report was switched off (at most 15 minutes: the desk trade-off), not a first page', async () => {
    const first = { invoices: await call(finance, 'GET', '/billing/invoices?limit=1'), payments: await call(finance, 'GET', '/billing/transactions?limit=1') };
    await setReport(false);
    try {
      expectError(await call(finance, 'GET', '/billing/invoices?limit=1'), 403, 'billing_report_disabled');
      const invoices = await call(finance, 'GET', `/billing/invoices?limit=1&cursor=${encodeURIComponent(first.invoices.body.nextCursor)}`);
      expect(invoices.status, invoices.text).toBe(200);
      expect(ids(invoices, 'invoiceId')).toEqual([invoiceIds[1]]);
      const txns = await call(finance, 'GET', `/billing/transactions?limit=1&cursor=${encodeURIComponent(first.payments.body.nextCursor)}`);
      expect(txns.status, txns.text).toBe(200);
      expect(ids(txns, 'transactionId')).toEqual([payments[1]]);
    } finally {
      await setReport(true);
    }
  });

  it('refuses a cursor older than 15 minutes with 400 invalid_cursor, as the desk does (fake clock, real store and codec)', async () => {
    const first = { invoices: await call(finance, 'GET', '/billing/invoices?limit=1'), payments: await call(finance, 'GET', '/billing/transactions?limit=1') };
    const auth = { userId: finance.userId, activeOrg: { userId: finance.userId, orgId: org.orgId, orgName: org.name, role: 'finance' } } as unknown as Principal;
    const deps = (ms: number) => ({ store: billingStore(), cursors: { encode: encodeCursor, decode: decodeCursor }, clock: { now: () => new Date(Date.now() + ms) } });
    // Within 15 minutes: the next page.
    await expect(listInvoices({ limit: 1, cursor: first.invoices.body.nextCursor }, auth, deps(REPORT_CURSOR_MS - 60_000))).resolves.toMatchObject({ items: [{ invoiceId: invoiceIds[1] }] });
    await expect(listBillingTransactions({ limit: 1, cursor: first.payments.body.nextCursor }, auth, deps(REPORT_CURSOR_MS - 60_000))).resolves.toMatchObject({ items: [{ transactionId: payments[1] }] });
    // Later: start again from the first page.
    const expired = expect.objectContaining({ code: 'invalid_cursor', param: 'query.cursor' });
    await expect(listInvoices({ limit: 1, cursor: first.invoices.body.nextCursor }, auth, deps(REPORT_CURSOR_MS + 1))).rejects.toEqual(expired);
    await expect(listBillingTransactions({ limit: 1, cursor: first.payments.body.nextCursor }, auth, deps(REPORT_CURSOR_MS + 1))).rejects.toEqual(expired);
    // Bound to the list, org and caller as before.
    expectError(await call(finance, 'GET', `/billing/transactions?limit=1&cursor=${encodeURIComponent(first.invoices.body.nextCursor)}`), 400, 'invalid_cursor', 'query.cursor');
    expectError(await call(admin, 'GET', `/billing/invoices?limit=1&cursor=${encodeURIComponent(first.invoices.body.nextCursor)}`), 400, 'invalid_cursor', 'query.cursor');
  });
});

describe('settings writes (P70)', () => {
  /** The keys each TransactWriteItems of `fn` wrote, as JSON (marshalled or not, whichever the stack holds). */
  async function transactions<T>(fn: () => Promise<T>): Promise<{ result: T; writes: string[] }> {
    const writes: string[] = [];
    const result = await beforeEachDynamoCommand('TransactWriteItemsCommand', (input) => void writes.push(JSON.stringify(input)), fn);
    return { result, writes };
  }

  it('writes the settings item and the switch mirror in one transaction (the settings route, the VAT ID route); the batch\'s VAT re-check touches the VAT fields only', async () => {
    const { result, calls } = await countDynamoCalls(() => transactions(() => call(admin, 'PUT', '/billing/settings', { body: { mode: 'quarterly', contacts: [], reportEnabled: false } })));
    try {
      expect(result.result.status, result.result.text).toBe(200);
      expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
      expect(result.writes).toHaveLength(1);
      expect(result.writes[0]).toContain(keys.billingPartition(org.orgId));
      expect(result.writes[0]).toContain(keys.invoiceReportPartition(org.orgId));
      const [settings, mirror] = [await get(keys.billingSettings(org.orgId)), await get(keys.invoiceListSwitch(org.orgId))];
      expect(settings).toMatchObject({ _et: 'BillingSettings', mode: 'quarterly', reportEnabled: false });
      expect(mirror).toEqual({ ...keys.invoiceListSwitch(org.orgId), _et: 'InvoiceListSwitch', orgId: org.orgId, reportEnabled: false, updatedAt: settings?.updatedAt });
    } finally {
      await setReport(true);
    }
    expect(await get(keys.invoiceListSwitch(org.orgId))).toMatchObject({ reportEnabled: true });
    expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ reportEnabled: true, mode: 'per_order' });

    const vat = await transactions(() => call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265045' } }));
    expect(vat.result.status, vat.result.text).toBe(200);
    expect(vat.writes).toHaveLength(1);
    expect(vat.writes[0]).toContain(keys.invoiceReportPartition(org.orgId));
    const settings = await get(keys.billingSettings(org.orgId));
    expect(settings).toMatchObject({ vatId: 'FR40303265045', reportEnabled: true });
    expect(await get(keys.invoiceListSwitch(org.orgId))).toMatchObject({ reportEnabled: true, updatedAt: settings?.updatedAt });

    // The batch's VAT re-check writes the VAT fields only, while the ID is unchanged: an admin's switch change
    // made after the run read the settings stays (it used to be overwritten by the run's older copy).
    const batch = billingBatchStore({ sealer: await getSealer() });
    const current = (await batch.orgBilling(org.orgId))?.settings;
    expect(current).toMatchObject({ vatId: 'FR40303265045', reportEnabled: true });
    try {
      await setReport(false);
      const checkedAt = new Date().toISOString();
      expect(await batch.recordVatCheck(org.orgId, 'FR40303265045', { vatStatus: 'verified', vatCheckedAt: checkedAt, vatName: 'ACME SA' })).toBe(true);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ vatId: 'FR40303265045', vatStatus: 'verified', vatCheckedAt: checkedAt, vatName: 'ACME SA', reportEnabled: false });
      expect(await get(keys.invoiceListSwitch(org.orgId))).toMatchObject({ reportEnabled: false });
      expectError(await call(finance, 'GET', '/billing/invoices'), 403, 'billing_report_disabled');
      // Another VAT ID by now: nothing written.
      expect(await batch.recordVatCheck(org.orgId, 'DE136695976', { vatStatus: 'invalid', vatCheckedAt: new Date().toISOString() })).toBe(false);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ vatId: 'FR40303265045', vatStatus: 'verified', vatCheckedAt: checkedAt });
    } finally {
      await setReport(true);
    }
  });

  it('re-applies a save whose settings changed after it read them (the other change stays); 409 settings_changed after 3 lost races', async () => {
    // A real concurrent writer: another admin's save lands between this request's read and its write,
    // on the first `races` writes of the request.
    let races = 0;
    let other: (s: BillingSettings) => BillingSettings = (s) => s;
    // The other writer: by default a route save of `other(current)`, which moves `updatedAt`.
    const routeSave = async () => {
      const current = (await billingStore().orgBilling(org.orgId))?.settings as BillingSettings;
      await billingStore().putSettings({ ...other(current), updatedAt: new Date(Date.now() + 1000).toISOString() });
    };
    let racer = routeSave;
    const race = async () => {
      if (races === 0) return;
      races--;
      await racer();
    };
    await beforeEachDynamoCommand('TransactWriteItemsCommand', race, async () => {
      // 1. The settings save loses one race to a VAT save: it goes through on top of it.
      races = 1;
      other = (s) => ({ ...s, vatId: 'FR40303265045', vatStatus: 'verified' });
      expect((await call(admin, 'PUT', '/billing/settings', { body: { mode: 'quarterly', contacts: [], reportEnabled: false } })).status).toBe(200);
      expect(races).toBe(0);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ mode: 'quarterly', contacts: [], reportEnabled: false, vatId: 'FR40303265045', vatStatus: 'verified' });
      expect(await get(keys.invoiceListSwitch(org.orgId))).toMatchObject({ reportEnabled: false });

      // 2. The VAT save loses one race to a contacts save: both stay.
      races = 1;
      other = (s) => ({ ...s, contacts: [{ name: 'Other Admin', email: 'other@acme.example', locale: 'en' }] });
      expect((await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR59542051180' } })).status).toBe(200);
      expect(races).toBe(0);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ vatId: 'FR59542051180', contacts: [{ name: 'Other Admin', email: 'other@acme.example' }], reportEnabled: false });

      // 2b. The settings save loses one race to the batch's VAT re-check, which moves `vatCheckedAt` but not
      // `updatedAt`: the save goes through on top of it and the check's result stays.
      const batch = billingBatchStore({ sealer: await getSealer() });
      const checkedAt = new Date(Date.now() + 2000).toISOString();
      races = 1;
      racer = async () => {
        expect(await batch.recordVatCheck(org.orgId, 'FR59542051180', { vatStatus: 'invalid', vatCheckedAt: checkedAt })).toBe(true);
      };
      expect((await call(admin, 'PUT', '/billing/settings', { body: { mode: 'quarterly', contacts: [], reportEnabled: false } })).status).toBe(200);
      expect(races).toBe(0);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ vatId: 'FR59542051180', vatStatus: 'invalid', vatCheckedAt: checkedAt, contacts: [], reportEnabled: false });
      racer = routeSave;

      // 3. Three lost races in a row: 409, and the other writer's change is what stays.
      races = 3;
      other = (s) => ({ ...s, reportEnabled: true });
      expectError(await call(admin, 'PUT', '/billing/settings', { body: { mode: 'per_order', contacts: [], reportEnabled: false } }), 409, 'settings_changed');
      expect(races).toBe(0);
      expect(await get(keys.billingSettings(org.orgId))).toMatchObject({ mode: 'quarterly', contacts: [], reportEnabled: true });
      expect(await get(keys.invoiceListSwitch(org.orgId))).toMatchObject({ reportEnabled: true });
      races = 3;
      const before = await get(keys.billingSettings(org.orgId));
      expectError(await call(admin, 'PUT', '/billing/vat-id', { body: { vatId: 'FR40303265045' } }), 409, 'settings_changed');
      const after = await get(keys.billingSettings(org.orgId));
      expect(after?.updatedAt).not.toBe(before?.updatedAt);
      expect(after).toMatchObject({ vatId: 'FR59542051180', vatCheckedAt: before?.vatCheckedAt });
    });
    // Without a race the same saves go through.
    expect((await call(admin, 'PUT', '/billing/settings', { body: { mode: 'per_order', contacts: [], reportEnabled: true } })).status).toBe(200);
  });
});
