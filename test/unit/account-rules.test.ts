import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { safeParse } from 'zod/mini';
import { handleShipmentStream, shippedTicketOf } from '#functions/account/project-shipped-devices.ts';
import { type RouteSpec, routeKey } from '#shared/contracts/route.ts';
import { getReport, inviteOrgUser } from '#shared/contracts/routes/account.ts';
import { availabilityOf, familyOf } from '#shared/domain/account/catalog.ts';
import { dateRange } from '#shared/domain/account/common.ts';
import { csvCell, csvLine, formatMinor } from '#shared/domain/account/csv.ts';
import { assetsFromShippedTicket, contractReference, inGroup, warrantyEnd, warrantyStatus } from '#shared/domain/account/devices.ts';
import { reorderChanges, reorderComment } from '#shared/domain/account/orders.ts';
import { type ReportSources, REPORT_MAX_ROWS, generateReport, mergeNewestFirst } from '#shared/domain/account/reports.ts';
import type { InvoiceReportPage } from '#shared/domain/account/ports.ts';
import type { Ticket } from '#shared/domain/desk/model.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/identity/model.ts';
import { membership, profile } from '#test/builders/events.ts';

/** The account page's pure rules: catalog, warranties, groups, CSV, re-order changes, reports, projection. */

const NOW = new Date('2026-03-02T10:00:00.000Z');
/** The sample stream event `npm run invoke -- accountProjectShippedDevices events/account-ticket-shipped.json` uses. */
const events = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', 'account-ticket-shipped.json'), 'utf8')) as { Records: unknown[] };

function principal(role: 'buyer' | 'site_admin' | 'finance' = 'buyer'): Principal {
  const p = profile({ userId: 'u1', name: 'Ana', email: 'ana@acme.example' });
  const m = membership({ userId: 'u1', role });
  return { ...p, profile: p, groups: [], isStaff: false, memberships: [m], activeOrg: m } as Principal;
}

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    ticketId: 'tkt_aaaaaaaaaaaaaaaaaaaa',
    orgId: 'org_aaaaaaaa01',
    orgName: 'Acme',
    number: 12,
    reference: 'GEM-12',
    status: 'ready_to_bill',
    version: 3,
    requester: { userId: 'u1', email: 'ana@acme.example', name: 'Ana', locale: 'en' },
    deliveryAddress: { recipient: 'Ana', line1: '1 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
    internalReference: 'HR-1',
    phone: '+33612345678',
    apprentice: false,
    deviceModel: 'Latitude 5450',
    shipDate: '2026-02-10',
    serialNumbers: ['sn-1001', 'SN-1002'],
    attachments: [],
    history: [],
    createdAt: '2026-02-01T09:00:00.000Z',
    updatedAt: '2026-02-10T09:00:00.000Z',
    ...over,
  };
}

describe('the model catalog', () => {
  it('knows offered models, discontinued ones with their successor, and unknown ones', () => {
    expect(availabilityOf('latitude  5450')).toMatchObject({ status: 'offered', model: { family: 'Latitude' } });
    expect(availabilityOf('Latitude 5440')).toMatchObject({ status: 'discontinued', replacement: { model: 'Latitude 5450' } });
    expect(availabilityOf('Latitude 5420')).toEqual({ status: 'discontinued', replacement: undefined });
    expect(availabilityOf('ThinkPad T14')).toEqual({ status: 'unknown' });
  });

  it('takes the family from the catalog, else from the first word of the model', () => {
    expect(familyOf('Precision 5690')).toBe('Precision');
    expect(familyOf('OptiPlex 7010')).toBe('OptiPlex');
    expect(familyOf('ThinkPad T14')).toBe('ThinkPad');
  });
});

describe('warranties', () => {
  it('are active until 60 days before their end, then expiring soon, then expired the day after', () => {
    expect(warrantyStatus('2026-05-02', '2026-03-02')).toBe('active');
    expect(warrantyStatus('2026-05-01', '2026-03-02')).toBe('expiring_soon');
    expect(warrantyStatus('2026-03-02', '2026-03-02')).toBe('expiring_soon');
    expect(warrantyStatus('2026-03-01', '2026-03-02')).toBe('expired');
  });

  it('end the day before the anniversary of their start', () => {
    expect(warrantyEnd('2026-02-10', 3)).toBe('2029-02-09');
    expect(warrantyEnd('2024-02-29', 1)).toBe('2025-02-28');
  });
});

describe('device groups', () => {
  const asset = { serial: 'SN-1', family: 'Latitude', site: 'Lyon, FR' };
  const criteria = (over: Partial<{ serials: string[]; families: string[]; sites: string[] }>) => ({ serials: [], families: [], sites: [], ...over });

  it('select individual products by serial, case-insensitively', () => {
    expect(inGroup(asset, criteria({ serials: ['sn-1'] }))).toBe(true);
    expect(inGroup(asset, criteria({ serials: ['SN-2'] }))).toBe(false);
  });

  it('select a family, a site (case and spacing aside), or a family at a site', () => {
    expect(inGroup(asset, criteria({ families: ['latitude'] }))).toBe(true);
    expect(inGroup(asset, criteria({ sites: ['lyon,  fr'] }))).toBe(true);
    expect(inGroup(asset, criteria({ sites: ['Paris, FR'] }))).toBe(false);
    expect(inGroup(asset, criteria({ families: ['Latitude'], sites: ['Paris, FR'] }))).toBe(false);
    expect(inGroup(asset, criteria({ families: ['Precision', 'Latitude'], sites: ['Paris, FR', 'Lyon, FR'] }))).toBe(true);
  });

  it('never select a device without a site by site', () => {
    expect(inGroup({ serial: 'X', family: 'Latitude' }, criteria({ sites: ['Lyon, FR'] }))).toBe(false);
  });
});

describe('CSV cells', () => {
  it('quote separators, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['a', 1, true, undefined])).toBe('a,1,true,\r\n');
  });

  it('neutralise text that a spreadsheet would evaluate as a formula', () => {
    for (const payload of ['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\rCR']) {
      const cell = csvCell(payload);
      expect(cell.replace(/^"/, '').startsWith("'"), payload).toBe(true);
    }
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('write amounts we format as numbers, negatives included, without floating point', () => {
    expect(formatMinor(123456)).toBe('1234.56');
    expect(formatMinor(-5)).toBe('-0.05');
    expect(csvCell({ raw: formatMinor(-1250) })).toBe('-12.50');
  });
});

describe('date ranges', () => {
  it('default to the last days up to now and take whole days for dates', () => {
    expect(dateRange({}, NOW, 90, 366)).toEqual({ from: '2025-12-02T10:00:00.000Z', to: '2026-03-02T10:00:00.000Z' });
    expect(dateRange({ from: '2026-01-01', to: '2026-01-31' }, NOW, 90, 366)).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' });
  });

  it('refuse a reversed or too long range', () => {
    expect(() => dateRange({ from: '2026-02-01', to: '2026-01-01' }, NOW, 90, 366)).toThrow(ValidationError);
    expect(() => dateRange({ from: '2024-01-01', to: '2026-01-01' }, NOW, 90, 366)).toThrow(/at most 366 days/);
  });
});

describe('re-order changes', () => {
  it('flag a model no longer offered with its successor, and name it in the new comment', () => {
    const old = ticket({ deviceModel: 'Latitude 5440' });
    const changes = reorderChanges(old, principal(), {});
    expect(changes).toEqual([
      expect.objectContaining({ code: 'model_no_longer_offered', previous: 'Latitude 5440', current: 'Latitude 5450' }),
    ]);
    expect(reorderComment(old, {}, changes)).toContain('Re-order of GEM-12 - previously Latitude 5440, no longer offered; proposed: Latitude 5450');
  });

  it('flag the certificate, attachments, another requester and overridden fields', () => {
    const old = ticket({
      apprentice: true,
      requester: { userId: 'u9', email: 'x@acme.example', name: 'Xavier', locale: 'fr' },
      attachments: [{ attachmentId: 'att_1', fileName: 'photo.png', contentType: 'image/png', size: 10, purpose: 'other', uploadedAt: '', uploadedBy: { userId: 'u9', role: 'requester' } }],
    });
    const codes = reorderChanges(old, principal(), { internalReference: 'HR-2', phone: old.phone }).map((c) => `${c.code}:${c.field}`);
    expect(codes).toEqual(['certificate_required:attachments', 'attachments_not_copied:attachments', 'requester_changed:requester', 'field_changed:internalReference']);
  });

  it('say when the original had no model yet, and keep the comment within the desk limit', () => {
    const old = ticket({ deviceModel: undefined, comment: 'x'.repeat(1990) });
    const changes = reorderChanges(old, principal(), {});
    expect(changes.map((c) => c.code)).toEqual(['model_not_recorded']);
    expect(reorderComment(old, {}, changes).length).toBeLessThanOrEqual(2000);
  });
});

describe('shipped tickets', () => {
  it('bring one asset per serial (upper case) with the model family, the delivery site and the standard warranty from the ship date', () => {
    const assets = assetsFromShippedTicket(ticket(), NOW);
    expect(assets).toEqual([
      expect.objectContaining({ serial: 'SN-1001', model: 'Latitude 5450', family: 'Latitude', site: 'Paris, FR', shipDate: '2026-02-10', warranty: { plan: 'pro_support', startDate: '2026-02-10', endDate: '2029-02-09' }, source: { kind: 'shipment', ticketId: 'tkt_aaaaaaaaaaaaaaaaaaaa', reference: 'GEM-12' } }),
      expect.objectContaining({ serial: 'SN-1002' }),
    ]);
  });

  it('bring nothing before they ship, and a one-year basic warranty for a model the catalog does not know', () => {
    expect(assetsFromShippedTicket(ticket({ status: 'ready_to_ship' }), NOW)).toEqual([]);
    expect(assetsFromShippedTicket(ticket({ serialNumbers: [] }), NOW)).toEqual([]);
    const [asset] = assetsFromShippedTicket(ticket({ deviceModel: 'ThinkPad T14' }), NOW);
    expect(asset?.warranty).toEqual({ plan: 'basic', startDate: '2026-02-10', endDate: '2027-02-09' });
  });

  it('are recognised in stream records only on their way into Ready to bill', () => {
    const [shipped] = events.Records as unknown as DynamoDBRecord[];
    expect(shippedTicketOf(shipped as DynamoDBRecord)).toMatchObject({ orgId: 'org_demoacme0001', reference: 'GEM-42', serialNumbers: ['CN-0X5K2P-2026'] });
    const again = { ...shipped, dynamodb: { ...shipped?.dynamodb, OldImage: shipped?.dynamodb?.NewImage } } as DynamoDBRecord;
    expect(shippedTicketOf(again)).toBeUndefined();
    const outbox = { ...shipped, dynamodb: { ...shipped?.dynamodb, NewImage: { ...shipped?.dynamodb?.NewImage, _et: { S: 'Outbox' } } } } as DynamoDBRecord;
    expect(shippedTicketOf(outbox)).toBeUndefined();
  });

  it('stop the batch at the first failing record and report it for a retry', async () => {
    const [shipped] = events.Records as unknown as DynamoDBRecord[];
    const fail = { store: { putShippedAssets: async () => Promise.reject(new Error('throttled')) }, clock: { now: () => NOW } };
    const second = { ...shipped, dynamodb: { ...shipped?.dynamodb, SequenceNumber: '200' } };
    const out = await handleShipmentStream({ Records: [shipped, second] as DynamoDBRecord[] }, fail);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: shipped?.dynamodb?.SequenceNumber }]);
    const written: string[] = [];
    const ok = { store: { putShippedAssets: async (a: { serial: string }[]) => (written.push(...a.map((x) => x.serial)), a.length) }, clock: { now: () => NOW } };
    expect(await handleShipmentStream({ Records: [shipped] as DynamoDBRecord[] }, ok)).toEqual({ batchItemFailures: [] });
    expect(written).toEqual(['CN-0X5K2P-2026']);
  });
});

describe('service request references', () => {
  it('are SR- and 10 upper-case hex characters, stable per request id', () => {
    expect(contractReference('csr_abc')).toMatch(/^SR-[0-9A-F]{10}$/);
    expect(contractReference('csr_abc')).toBe(contractReference('csr_abc'));
    expect(contractReference('csr_abd')).not.toBe(contractReference('csr_abc'));
  });
});

describe('reports', () => {
  async function* invoicePagesOf(...pages: InvoiceReportPage[]) {
    yield* pages;
  }
  async function* pagesOf<T>(...pages: T[][]) {
    for (const p of pages) yield p;
  }
  const summary = (reference: string, createdAt: string, internalReference?: string) => ({
    ticketId: `tkt_${reference}`,
    orgId: 'org_aaaaaaaa01',
    orgName: 'Acme',
    reference,
    status: 'review' as const,
    requester: { userId: 'u1', name: 'Ana' },
    internalReference,
    apprentice: false,
    createdAt,
    updatedAt: createdAt,
  });
  const sources = (over: Partial<ReportSources> = {}): ReportSources => ({
    orderPages: () => pagesOf([summary('GEM-3', '2026-03-01T10:00:00.000Z', '=cmd|calc'), summary('GEM-2', '2026-02-01T10:00:00.000Z')], [summary('GEM-1', '2026-01-01T10:00:00.000Z')]),
    contractRequestPages: () => pagesOf([]),
    invoicePages: () => invoicePagesOf({ rows: [] }),
    ...over,
  });
  const clock = { now: () => NOW };

  it('write a header line and one row per order across pages, neutralising formulas', async () => {
    const report = await generateReport('orders', { from: '2025-12-01', to: '2026-03-02' }, principal('finance'), { sources: sources(), clock });
    const lines = report.csv.split('\r\n');
    expect(lines[0]).toBe('reference,created_at,status,internal_reference,requester,apprentice,updated_at');
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['GEM-3', 'GEM-2', 'GEM-1']);
    expect(lines[1]).toContain(",'=cmd|calc,");
    expect(report).toMatchObject({ rows: 3, truncated: false, fileName: 'orders_2025-12-01_2026-03-02.csv' });
  });

  it('merge tickets and service requests newest first', async () => {
    const request = { orgId: 'o', requestId: 'csr_1', reference: 'SR-1', kind: 'renew' as const, plan: 'pro_support' as const, durationMonths: 12 as const, serials: ['SN-1'], requester: { userId: 'u1', name: 'Ana', email: 'a' }, status: 'submitted' as const, createdAt: '2026-02-15T00:00:00.000Z' };
    const report = await generateReport('tickets', {}, principal('finance'), { sources: sources({ contractRequestPages: () => pagesOf([request]) }), clock });
    expect(report.csv.split('\r\n').slice(1, 5).map((l) => l.split(',').slice(0, 2).join(' '))).toEqual([
      'device_request GEM-3',
      'service_request SR-1',
      'device_request GEM-2',
      'device_request GEM-1',
    ]);
  });

  it('stop at the row cap and say the report was cut', async () => {
    const many = Array.from({ length: REPORT_MAX_ROWS + 5 }, (_, i) => summary(`GEM-${i}`, '2026-03-01T00:00:00.000Z'));
    const report = await generateReport('orders', {}, principal('finance'), { sources: sources({ orderPages: () => pagesOf(many.slice(0, 6000), many.slice(6000)) }), clock });
    expect(report).toMatchObject({ rows: REPORT_MAX_ROWS, truncated: true });
  });

  it('list invoices with their amounts, even when billing has none yet', async () => {
    const empty = await generateReport('invoices', {}, principal('finance'), { sources: sources(), clock });
    expect(empty.csv).toBe('invoice_number,issued_at,due_date,status,currency,total,tickets\r\n');
    const invoice = { invoiceId: 'inv_1', invoiceNumber: 'INV-2026-0001', issuedAt: '2026-02-01T00:00:00.000Z', dueDate: '2026-03-01', status: 'paid', currency: 'EUR', totalMinor: 123450, ticketReferences: ['GEM-1', 'GEM-2'] };
    const one = await generateReport('invoices', {}, principal('finance'), { sources: sources({ invoicePages: () => invoicePagesOf({ rows: [invoice], report: { reportEnabled: true } }) }), clock });
    expect(one.csv.split('\r\n')[1]).toBe('INV-2026-0001,2026-02-01T00:00:00.000Z,2026-03-01,paid,EUR,1234.50,GEM-1 GEM-2');
  });

  it('refuse the invoice report while the billing report is off (BI-1), and only that kind', async () => {
    const invoice = { invoiceId: 'inv_1', invoiceNumber: 'INV-2026-0001', issuedAt: '2026-02-01T00:00:00.000Z', status: 'paid', currency: 'EUR', totalMinor: 1 };
    const off = sources({ invoicePages: () => invoicePagesOf({ rows: [invoice], report: { reportEnabled: false } }, { rows: [invoice] }) });
    await expect(generateReport('invoices', {}, principal('finance'), { sources: off, clock })).rejects.toMatchObject({ kind: 'forbidden', code: 'billing_report_disabled' });
    expect((await generateReport('orders', {}, principal('finance'), { sources: off, clock })).rows).toBe(3);
  });

  it('merge streams by time and stop both when the consumer stops', async () => {
    let stoppedB = false;
    async function* b() {
      try {
        yield { t: '3' };
        yield { t: '1' };
      } finally {
        stoppedB = true;
      }
    }
    async function* a() {
      yield { t: '4' };
      yield { t: '2' };
    }
    const merged = mergeNewestFirst(a(), b(), (x) => x.t, (x) => x.t);
    const out: string[] = [];
    for await (const x of merged) {
      out.push('a' in x ? `a${x.a.t}` : `b${x.b.t}`);
      if (out.length === 2) break;
    }
    expect(out).toEqual(['a4', 'b3']);
    expect(stoppedB).toBe(true);
  });
});

describe('sample events (events/account-*.json, for npm run invoke)', () => {
  const load = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'events', name), 'utf8'));

  it.each([
    ['account-invite-org-user.json', inviteOrgUser],
    ['account-get-report.json', getReport],
  ] as const)('%s is a valid request of its route', (file, r) => {
    const route = r as RouteSpec;
    const event = load(file);
    expect(event.routeKey).toBe(routeKey(route));
    if (route.request.body) expect(safeParse(route.request.body, JSON.parse(event.body)).success).toBe(true);
    if (route.request.path) expect(safeParse(route.request.path, event.pathParameters).success).toBe(true);
    if (route.request.query) expect(safeParse(route.request.query, event.queryStringParameters ?? {}).success).toBe(true);
    if (route.idempotency === 'required') expect(event.headers['idempotency-key']).toEqual(expect.any(String));
  });
});
