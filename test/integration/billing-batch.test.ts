import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { getInvoice } from '#shared/adapters/dynamodb/repositories/billing.ts';
import { putOrgDetails } from '#shared/adapters/dynamodb/repositories/account-items.ts';
import { type BatchDeps, invoiceIdFor, lineOf, runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { type BillableTicket, type Invoice, SELLER } from '#shared/domain/billing/model.ts';
import type { BillingBatchStore } from '#shared/domain/billing/ports.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { putReadyTicket, setBillingMode } from '#test/builders/billing.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestOrg } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';

/**
 * BI-2 against DynamoDB Local: the batch over the real status index, twice in a row and twice at once (one
 * invoice per org and period, no duplicated line, right totals), a run killed half-way that resumes, VAT per
 * buyer (domestic, EU without/with a VIES-verified VAT ID, export), and the invoice email.
 */

let api: TestApi;
let store: BillingBatchStore;
let vies: ReturnType<typeof createServer>;
let viesUrl: string;
const TZ = 'Europe/Paris';
const table = () => process.env.TABLE_NAME as string;

const deps = (over: Partial<BatchDeps> = {}): BatchDeps => ({ store, vat: viesRegistry(undefined), clock: systemClock, timeZone: TZ, ...over });

/** The org's invoice list entries (P66/P72); the report switch's mirror (`SETTINGS`) shares the partition. */
async function orgInvoices(orgId: string) {
  const out = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :i)', ExpressionAttributeValues: { ':p': keys.invoiceReportPartition(orgId), ':i': 'INVOICE#' } }),
  );
  return out.Items ?? [];
}
async function linesOf(invoiceId: string) {
  const out = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)', ExpressionAttributeValues: { ':p': keys.invoicePartition(invoiceId), ':l': 'LINE#' } }),
  );
  return out.Items ?? [];
}
async function ticketItem(orgId: string, ticketId: string) {
  return (await documentClient().send(new GetCommand({ TableName: table(), Key: keys.ticket(orgId, ticketId) }))).Item;
}

beforeAll(async () => {
  api = await startTestApi();
  store = billingBatchStore({ sealer: await getSealer() });
  // A VIES stand-in speaking its REST API: DE IDs ending in 1 are valid, other IDs invalid, FI is "down".
  vies = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { countryCode, vatNumber } = JSON.parse(body) as { countryCode: string; vatNumber: string };
      if (countryCode === 'FI') {
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ valid: countryCode === 'DE' && vatNumber.endsWith('1'), name: 'Muster GmbH' }));
    });
  });
  await new Promise<void>((r) => vies.listen(0, '127.0.0.1', r));
  viesUrl = `http://127.0.0.1:${(vies.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await api.close();
  await new Promise((r) => vies.close(r));
});

const yesterday = () => new Date(Date.now() - 86_400_000);
const parisDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d);

describe('per-order batch (daily)', () => {
  let org: Org;
  const tickets: Awaited<ReturnType<typeof putReadyTicket>>[] = [];
  const date = parisDate(yesterday());

  beforeAll(async () => {
    org = await createTestOrg({ country: 'FR' });
    await putOrgDetails({ orgId: org.orgId, address: { line1: '8 rue Ferrandière', city: 'Lyon', postalCode: '69002', country: 'FR' }, updatedAt: new Date().toISOString(), updatedBy: 'test' });
    const readyAt = new Date(`${date}T12:00:00+02:00`).toISOString();
    for (const model of ['Latitude 3550', 'Precision 5690']) tickets.push(await putReadyTicket(org, { readyAt, deviceModel: model, internalReference: `PO-${model}` }));
    // Ready today: not part of yesterday's run.
    tickets.push(await putReadyTicket(org, { readyAt: new Date().toISOString() }));
  });

  it('issues one invoice per order, tags each ticket, emails it, and a second run adds nothing', async () => {
    const first = await runInvoiceBatch({ date, orgIds: [org.orgId], pageSize: 25 }, deps());
    expect(first).toMatchObject({ complete: true, linesAdded: 2, invoicesIssued: 2 });
    const entries = await orgInvoices(org.orgId);
    expect(entries).toHaveLength(2);
    const [a, b] = tickets as [(typeof tickets)[0], (typeof tickets)[0], (typeof tickets)[0]];
    const invA = await getInvoice(invoiceIdFor([org.orgId, 'order', a.ticketId]));
    const invB = await getInvoice(invoiceIdFor([org.orgId, 'order', b.ticketId]));
    // Latitude 3550: 749.00 EUR net; the buyer is in FR without a VAT ID: the seller's (IE) 23 %.
    expect(invA).toMatchObject({ status: 'issued', period: a.reference, lineCount: 1, subtotalMinor: 74_900, vatMinor: 17_227, totalMinor: 92_127, vatTreatment: 'intra_eu_no_vat_id', currency: 'EUR' });
    expect(invA?.buyer).toMatchObject({ name: org.name, address: { city: 'Lyon', country: 'FR' } });
    expect(invB).toMatchObject({ subtotalMinor: 289_900, vatMinor: 66_677, totalMinor: 356_577 });
    expect(Number(invB?.number?.slice(4))).not.toBe(Number(invA?.number?.slice(4)));
    expect((await ticketItem(org.orgId, a.ticketId))?.invoiceId).toBe(invA?.invoiceId);
    expect((await ticketItem(org.orgId, tickets[2]?.ticketId as string))?.invoiceId).toBeUndefined();
    // Emailed in the requester's locale (no billing contact set).
    const mail = await waitForMail(`requester-${a.number}@example.com`, (m) => m.subject.includes(invA?.number as string));
    expect(mail.subject).toBe(`Facture ${invA?.number} pour ${org.name}`);
    expect(mail.body.text).toContain('921,27');

    const second = await runInvoiceBatch({ date, orgIds: [org.orgId], pageSize: 25 }, deps());
    expect(second).toMatchObject({ complete: true, linesAdded: 0, invoicesIssued: 0 });
    expect(await orgInvoices(org.orgId)).toHaveLength(2);
  });
});

describe('quarterly batch', () => {
  it('two runs at once make exactly one invoice with every line once', async () => {
    const org = await createTestOrg({ country: 'IE' });
    await setBillingMode(org, 'quarterly');
    const readyAt = '2026-08-14T09:00:00.000Z';
    const made = await Promise.all([1, 2, 3, 4].map((i) => putReadyTicket(org, { readyAt, serials: Array.from({ length: i }, (_, j) => `SN-${i}-${j}`) })));
    // Ready after the quarter: not on this invoice.
    await putReadyTicket(org, { readyAt: '2026-10-01T00:30:00.000Z' });
    const runs = await Promise.all([
      runInvoiceBatch({ period: '2026-Q3', orgIds: [org.orgId], pageSize: 7 }, deps()),
      runInvoiceBatch({ period: '2026-Q3', orgIds: [org.orgId], pageSize: 5 }, deps()),
    ]);
    expect(runs.map((r) => r.linesAdded).reduce((a, b) => a + b)).toBe(4);
    expect(runs.map((r) => r.invoicesIssued).reduce((a, b) => a + b)).toBe(1);
    const entries = await orgInvoices(org.orgId);
    expect(entries).toHaveLength(1);
    const invoice = await getInvoice(invoiceIdFor([org.orgId, 'quarter', '2026-Q3']));
    const lines = await linesOf(invoice?.invoiceId as string);
    expect(lines.map((l) => l.ticketId).sort()).toEqual(made.map((t) => t.ticketId).sort());
    // 1 + 2 + 3 + 4 devices at 749.00; domestic (IE) 23 %.
    expect(invoice).toMatchObject({ status: 'issued', period: '2026-Q3', lineCount: 4, subtotalMinor: 749_000, vatMinor: 172_270, totalMinor: 921_270, vatTreatment: 'domestic' });
    expect(entries[0]).toMatchObject({ invoiceId: invoice?.invoiceId, totalMinor: 921_270, status: 'issued' });

    const again = await runInvoiceBatch({ period: '2026-Q3', orgIds: [org.orgId] }, deps());
    expect(again).toMatchObject({ linesAdded: 0, invoicesIssued: 0 });
  });

  it('a run killed half-way resumes from its checkpoint without duplicates', async () => {
    const org = await createTestOrg({ country: 'US' });
    await setBillingMode(org, 'quarterly');
    const made = await Promise.all([0, 1, 2, 3, 4, 5].map(() => putReadyTicket(org, { readyAt: '2025-02-03T10:00:00.000Z' })));
    let pages = 0;
    const failing: BillingBatchStore = {
      ...store,
      async readyToBillPage(limit, after) {
        if (++pages === 3) throw new Error('injected: the run dies on its third page');
        return store.readyToBillPage(limit, after);
      },
    };
    await expect(runInvoiceBatch({ period: '2025-Q1', orgIds: [org.orgId], pageSize: 2 }, deps({ store: failing }))).rejects.toThrow('injected');
    const resumed = await runInvoiceBatch({ period: '2025-Q1', orgIds: [org.orgId], pageSize: 2 }, deps());
    expect(resumed.resumedAtPage).toBe(2);
    expect(resumed.invoicesIssued).toBe(1);
    const invoice = await getInvoice(invoiceIdFor([org.orgId, 'quarter', '2025-Q1']));
    const lines = await linesOf(invoice?.invoiceId as string);
    expect(lines.map((l) => l.ticketId).sort()).toEqual(made.map((t) => t.ticketId).sort());
    // US buyer: export, no VAT.
    expect(invoice).toMatchObject({ lineCount: 6, subtotalMinor: 6 * 74_900, vatMinor: 0, totalMinor: 6 * 74_900, vatTreatment: 'export' });
    expect(await orgInvoices(org.orgId)).toHaveLength(1);
  });

  it('re-checks the VAT ID with VIES before invoicing: verified across borders -> reverse charge; VIES down -> pending, seller VAT', async () => {
    const de = await createTestOrg({ country: 'DE' });
    const fi = await createTestOrg({ country: 'FI' });
    await setBillingMode(de, 'quarterly', { vatId: 'DE136695971', vatStatus: 'pending' });
    await setBillingMode(fi, 'quarterly', { vatId: 'FI20774740', vatStatus: 'pending' });
    await putReadyTicket(de, { readyAt: '2024-11-05T10:00:00.000Z' });
    await putReadyTicket(fi, { readyAt: '2024-11-05T10:00:00.000Z' });
    const out = await runInvoiceBatch({ period: '2024-Q4', orgIds: [de.orgId, fi.orgId] }, deps({ vat: viesRegistry(viesUrl) }));
    expect(out.invoicesIssued).toBe(2);
    const deInvoice = await getInvoice(invoiceIdFor([de.orgId, 'quarter', '2024-Q4']));
    expect(deInvoice).toMatchObject({ vatTreatment: 'intra_eu_reverse_charge', vatMinor: 0, totalMinor: 74_900, buyer: { vatId: 'DE136695971', vatStatus: 'verified' } });
    expect(deInvoice?.vat).toEqual([{ rateBp: 0, netMinor: 74_900, vatMinor: 0 }]);
    const fiInvoice = await getInvoice(invoiceIdFor([fi.orgId, 'quarter', '2024-Q4']));
    expect(fiInvoice).toMatchObject({ vatTreatment: 'intra_eu_no_vat_id', vatMinor: 17_227, buyer: { vatId: 'FI20774740', vatStatus: 'pending' } });
    const settings = (await documentClient().send(new GetCommand({ TableName: table(), Key: keys.billingSettings(de.orgId) }))).Item;
    expect(settings).toMatchObject({ vatStatus: 'verified', vatName: 'Muster GmbH' });
  });

  it('re-checks the new VAT ID when an admin changed it while the run was checking the old one (the invoice carries the new one)', async () => {
    const de = await createTestOrg({ country: 'DE' });
    await setBillingMode(de, 'quarterly', { vatId: 'DE136695970', vatStatus: 'pending' });
    await putReadyTicket(de, { readyAt: '2024-11-05T10:00:00.000Z' });
    const vies = viesRegistry(viesUrl);
    const asked: string[] = [];
    // The admin's VAT ID save lands while VIES answers about the old ID (a real settings write, not a mock).
    const racing = {
      async check(vatId: string) {
        asked.push(vatId);
        if (asked.length === 1) await setBillingMode(de, 'quarterly', { vatId: 'DE136695981', vatStatus: 'pending', updatedAt: new Date().toISOString() });
        return vies.check(vatId);
      },
    };
    const out = await runInvoiceBatch({ period: '2024-Q4', orgIds: [de.orgId] }, deps({ vat: racing }));
    expect(out.invoicesIssued).toBe(1);
    expect(asked).toEqual(['DE136695970', 'DE136695981']);
    const invoice = await getInvoice(invoiceIdFor([de.orgId, 'quarter', '2024-Q4']));
    expect(invoice).toMatchObject({ vatTreatment: 'intra_eu_reverse_charge', vatMinor: 0, buyer: { vatId: 'DE136695981', vatStatus: 'verified' } });
    const settings = (await documentClient().send(new GetCommand({ TableName: table(), Key: keys.billingSettings(de.orgId), ConsistentRead: true }))).Item;
    expect(settings).toMatchObject({ vatId: 'DE136695981', vatStatus: 'verified', vatName: 'Muster GmbH' });
  });

  it('stops after a page when asked (Lambda time running out) and the next run finishes the job', async () => {
    const org = await createTestOrg({ country: 'IE' });
    await setBillingMode(org, 'quarterly');
    await Promise.all([1, 2, 3].map(() => putReadyTicket(org, { readyAt: '2024-05-05T10:00:00.000Z' })));
    const first = await runInvoiceBatch({ period: '2024-Q2', orgIds: [org.orgId], pageSize: 1 }, deps(), { shouldStop: () => true });
    expect(first).toMatchObject({ complete: false, pages: 1, invoicesIssued: 0 });
    const second = await runInvoiceBatch({ period: '2024-Q2', orgIds: [org.orgId], pageSize: 50 }, deps());
    expect(second).toMatchObject({ complete: true, resumedAtPage: 1, invoicesIssued: 1 });
    expect(await getInvoice(invoiceIdFor([org.orgId, 'quarter', '2024-Q2']))).toMatchObject({ lineCount: 3 });
  });

  it('refuses an invalid target with a clear message and writes nothing', async () => {
    await expect(runInvoiceBatch({ period: '2026-Q5' }, deps())).rejects.toMatchObject({ code: 'invalid_period' });
    await expect(runInvoiceBatch({ date: '2026-02-30' }, deps())).rejects.toMatchObject({ code: 'invalid_date' });
    await expect(runInvoiceBatch({ date: '2026-02-03', period: '2026-Q1' }, deps())).rejects.toMatchObject({ code: 'invalid_batch_target' });
  });
});

describe('adding lines (the store)', () => {
  const billable = (orgId: string, t: Awaited<ReturnType<typeof putReadyTicket>>): BillableTicket => ({
    orgId,
    ticketId: t.ticketId,
    number: t.number,
    reference: t.reference,
    createdAt: t.createdAt,
    readyAt: t.readyAt,
    deviceModel: 'Latitude 3550',
    serialNumbers: [`SN-${t.number}`],
    deliveryAddress: { recipient: 'Noah Petit', line1: '21 avenue Jean Jaurès', postalCode: '69007', city: 'Lyon', country: 'FR' },
    requester: { userId: `u_${t.number}`, email: `requester-${t.number}@example.com`, name: 'Léa Martin', locale: 'fr' },
  });
  const draft = (org: Org, invoiceId: string): Invoice => ({
    invoiceId,
    orgId: org.orgId,
    orgName: org.name,
    runKey: `test-${invoiceId}`,
    mode: 'quarterly',
    period: '2023-Q1',
    status: 'draft',
    currency: SELLER.currency,
    lineCount: 0,
    netMinor: 0,
    ticketReferences: [],
    fallbackRecipient: { name: 'Léa Martin', email: 'lea@example.com', locale: 'fr' },
    createdAt: new Date().toISOString(),
  });

  it('writes the lines that can be written and reports the ones already invoiced or on a closed invoice', async () => {
    const org = await createTestOrg({ country: 'IE' });
    const made = await Promise.all([0, 1, 2, 3, 4, 5].map(() => putReadyTicket(org, { readyAt: '2023-02-01T10:00:00.000Z' })));
    const invoiceId = invoiceIdFor([org.orgId, 'quarter', 'store-test']);
    await store.createDraft(draft(org, invoiceId));
    const lines = made.map((t) => ({ line: lineOf(invoiceId, billable(org.orgId, t)), ticket: billable(org.orgId, t) }));

    expect(await store.addLines(lines.slice(0, 3))).toEqual(['added', 'added', 'added']);
    // The same transaction holds lines already written (a stale page, a twin run): only those are dropped.
    expect(await store.addLines(lines)).toEqual(['already_invoiced', 'already_invoiced', 'already_invoiced', 'added', 'added', 'added']);
    expect(await getInvoice(invoiceId)).toMatchObject({ status: 'draft', lineCount: 6, netMinor: 6 * 74_900 });
    const refs = await store.lineReferences(invoiceId);
    expect(refs).toEqual([...made].sort((a, b) => a.number - b.number).map((t) => ({ ticketId: t.ticketId, reference: t.reference })));
    for (const t of made) expect((await ticketItem(org.orgId, t.ticketId))?.invoiceId).toBe(invoiceId);

    const late = await putReadyTicket(org, { readyAt: '2023-02-02T10:00:00.000Z' });
    await documentClient().send(
      new UpdateCommand({ TableName: table(), Key: keys.invoice(invoiceId), UpdateExpression: 'SET #s = :issued', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':issued': 'issued' } }),
    );
    expect(await store.addLines([{ line: lineOf(invoiceId, billable(org.orgId, late)), ticket: billable(org.orgId, late) }])).toEqual(['invoice_closed']);
    expect((await ticketItem(org.orgId, late.ticketId))?.invoiceId).toBeUndefined();
    expect(await linesOf(invoiceId)).toHaveLength(6);
  });

  it('issues an invoice with more lines than one transaction holds, listing every ticket once', async () => {
    const org = await createTestOrg({ country: 'IE' });
    await setBillingMode(org, 'quarterly');
    const made = await Promise.all(Array.from({ length: 120 }, () => putReadyTicket(org, { readyAt: '2023-08-01T10:00:00.000Z' })));
    const out = await runInvoiceBatch({ period: '2023-Q3', orgIds: [org.orgId], pageSize: 200 }, deps());
    expect(out).toMatchObject({ complete: true, linesAdded: 120, invoicesIssued: 1 });
    const invoice = await getInvoice(invoiceIdFor([org.orgId, 'quarter', '2023-Q3']));
    expect(invoice).toMatchObject({ status: 'issued', lineCount: 120, subtotalMinor: 120 * 74_900 });
    const byNumber = [...made].sort((a, b) => a.number - b.number);
    expect(invoice?.ticketReferences).toEqual(byNumber.map((t) => t.reference));
    // The ids stay on the lines: the header does not grow with two lists per ticket (400 KB item limit).
    expect(invoice).not.toHaveProperty('ticketIds');
    const [entry] = await orgInvoices(org.orgId);
    expect(entry?.ticketReferences).toEqual(byNumber.map((t) => t.reference));
    expect(await linesOf(invoice?.invoiceId as string)).toHaveLength(120);
  });
});

describe('the scheduled Lambda handler', () => {
  it('runs the sample schedule events: the previous day for per-order orgs, the previous quarter for quarterly orgs', async () => {
    const { handler } = await import('#functions/billing/invoice-batch.ts');
    const { readFile } = await import('node:fs/promises');
    const org = await createTestOrg({ country: 'IE' });
    const ticket = await putReadyTicket(org, { readyAt: '2026-07-02T09:00:00.000Z' });
    const daily = JSON.parse(await readFile('events/invoice-batch-daily.json', 'utf8'));
    const out = await handler({ ...daily, orgIds: [org.orgId] }, { getRemainingTimeInMillis: () => 900_000 });
    expect(out).toMatchObject({ runKey: expect.stringMatching(/^order-2026-07-02-orgs-/), complete: true, invoicesIssued: 1 });
    expect(await getInvoice(invoiceIdFor([org.orgId, 'order', ticket.ticketId]))).toMatchObject({ status: 'issued', vatTreatment: 'domestic' });
    const quarterly = JSON.parse(await readFile('events/invoice-batch-quarterly.json', 'utf8'));
    expect(await handler({ ...quarterly, orgIds: [org.orgId] })).toMatchObject({ runKey: expect.stringMatching(/^quarter-2026-Q3-orgs-/), invoicesIssued: 0 });
  });
});
