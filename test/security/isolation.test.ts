import { randomUUID } from 'node:crypto';
import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type RouteSpec, pathParamNames } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';
import { addressBody, callAs, issueInvoices, pool, ticketBody, uploadTo, useOwnTable } from './authz-world.ts';

/**
 * SECURITY.md "List endpoints": property tests over generated multi-org data. Every member GET route of the
 * route table without path parameters (the list routes, and whatever is added later) is read page by page in
 * every org: no foreign org id, object id or member id ever appears, and the lists with known items hold
 * exactly the org's own. Pagination cursors are signed and bound to org, caller and filters.
 */

const ORGS = 3;
interface Tenant {
  org: Org;
  admin: TestUser;
  buyer: TestUser;
  /** Every id created in this org (objects, members, serials): none may show up in another org. */
  ids: Set<string>;
  addresses: Set<string>;
  groups: Set<string>;
  tickets: Set<string>;
  serials: Set<string>;
  cards: string[];
}

let api: TestApi;
let dropTable: () => Promise<void>;
let staff: TestUser;
let tenants: Tenant[];
/** Site admin of org 0 and org 1: one caller, two orgs (the cursor test). */
let both: TestUser;
let serialSeq = 0;

/** Member GET routes without path parameters: derived from the route table, so a new list route is covered. */
const listRoutes = routes.filter((r) => r.method === 'GET' && r.auth.kind === 'user' && (r.auth.org || r.auth.roles) && pathParamNames(r.path).length === 0);
const queryKeys = (r: RouteSpec) => Object.keys((r.request.query as unknown as { _zod?: { def: { shape: Record<string, unknown> } } })?._zod?.def.shape ?? {});
const paginated = listRoutes.filter((r) => queryKeys(r).includes('cursor'));

const must = (res: ApiResponse, status: number, what: string) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text}`);
  return res.body;
};

type Kind = 'address' | 'group' | 'ticket' | 'device';
async function create(t: Tenant, kind: Kind): Promise<void> {
  const as = (u: TestUser, method: string, path: string, body: unknown) => callAs(api, u, method, path, { body });
  if (kind === 'address') {
    const id = must(await as(t.buyer, 'POST', '/account/addresses', addressBody(`A${randomUUID().slice(0, 6)}`)), 201, 'createAddress').addressId;
    t.addresses.add(id);
    t.ids.add(id);
  } else if (kind === 'group') {
    const id = must(await as(t.buyer, 'POST', '/account/device-groups', { name: 'Group', families: [`F${randomUUID().slice(0, 6)}`] }), 201, 'createDeviceGroup').groupId;
    t.groups.add(id);
    t.ids.add(id);
  } else if (kind === 'ticket') {
    const id = must(await as(t.buyer, 'POST', '/desk/tickets', ticketBody), 201, 'createDeviceRequest').ticketId;
    t.tickets.add(id);
    t.ids.add(id);
  } else {
    const serial = `ISO-${t.org.orgId.slice(-6).toUpperCase()}-${serialSeq++}`;
    must(await as(staff, 'POST', `/staff/orgs/${t.org.orgId}/devices/import`, { devices: [{ serial, idKind: 'service_tag', model: 'Latitude 5450', warranty: { plan: 'basic', endDate: '2027-01-01' } }] }), 200, 'importDevices');
    t.serials.add(serial);
    t.ids.add(serial);
  }
}

/** Two published documents, two invoices (from the real batch), a card and two payments: ids of billing and documents. */
async function seedBillingAndDocuments(t: Tenant): Promise<void> {
  const docBody = { title: 'Contract', fileName: 'contract.pdf', contentType: 'application/pdf', size: 8 };
  for (let i = 0; i < 2; i++) {
    const doc = must(await callAs(api, staff, 'POST', `/staff/orgs/${t.org.orgId}/documents`, { body: docBody }), 201, 'createDocumentUpload');
    await uploadTo(doc.upload, Buffer.from('%PDF-1.4'));
    must(await callAs(api, staff, 'POST', `/staff/orgs/${t.org.orgId}/documents/${doc.document.documentId}/publish`), 200, 'publishDocument');
    t.ids.add(doc.document.documentId);
  }
  for (const ticketId of await issueInvoices(t.org, 2)) {
    t.tickets.add(ticketId);
    t.ids.add(ticketId);
  }
  const card = must(await callAs(api, t.admin, 'POST', '/billing/payment-methods', { body: { token: 'tok_visa', billingCountry: 'FR' } }), 201, 'addPaymentMethod').paymentMethodId as string;
  t.cards.push(card);
  t.ids.add(card);
  const invoices = must(await callAs(api, t.admin, 'GET', '/billing/invoices'), 200, 'listInvoices').items as { invoiceId: string; number: string }[];
  if (invoices.length !== 2) throw new Error(`expected 2 invoices, got ${invoices.length}`);
  for (const inv of invoices) {
    t.ids.add(inv.invoiceId);
    const paid = must(await callAs(api, t.admin, 'POST', `/billing/invoices/${inv.invoiceId}/payments`, { body: { paymentMethodId: card } }), 201, 'payInvoice');
    for (const v of Object.values(paid as Record<string, unknown>)) if (typeof v === 'string' && /^[a-z]{2,4}_[0-9a-z]{20}$/.test(v)) t.ids.add(v);
  }
}

/** Reads every page of a list route in one org; returns the bodies. */
async function readAll(route: RouteSpec, user: TestUser, orgId: string, limit: number): Promise<ApiResponse[]> {
  const pages: ApiResponse[] = [];
  let cursor: string | undefined;
  const keys = queryKeys(route);
  do {
    const q = new URLSearchParams();
    if (keys.includes('limit')) q.set('limit', String(limit));
    if (keys.includes('scope')) q.set('scope', 'org');
    if (cursor) q.set('cursor', cursor);
    const res = await callAs(api, user, 'GET', `${route.path}${q.size ? `?${q}` : ''}`, { headers: { 'x-org-id': orgId } });
    pages.push(res);
    cursor = res.status === 200 ? res.body?.nextCursor : undefined;
    if (pages.length > 200) throw new Error(`${route.operationId}: more than 200 pages`);
  } while (cursor);
  return pages;
}

const itemsOf = (pages: ApiResponse[], field: string) => pages.flatMap((p) => (p.body?.items ?? []).map((i: Record<string, string>) => i[field]));

beforeAll(async () => {
  const own = await useOwnTable('portal-isolation');
  dropTable = own.drop;
  api = await startTestApi();
  const orgs = await Promise.all(Array.from({ length: ORGS }, () => createTestOrg()));
  staff = await createTestUser({ staff: true });
  tenants = await Promise.all(
    orgs.map(async (org) => {
      const [admin, buyer] = await Promise.all([createTestUser({ org: { org, role: 'site_admin' } }), createTestUser({ org: { org, role: 'buyer' } })]);
      const t: Tenant = { org, admin, buyer, ids: new Set([org.orgId, admin.userId, buyer.userId, admin.email, buyer.email]), addresses: new Set(), groups: new Set(), tickets: new Set(), serials: new Set(), cards: [] };
      // Two of each, so every paginated list has a second page at limit 1.
      for (const kind of ['address', 'address', 'group', 'group', 'ticket', 'ticket', 'device', 'device'] as const) await create(t, kind);
      await seedBillingAndDocuments(t);
      return t;
    }),
  );
  const [t0, t1] = tenants as [Tenant, Tenant];
  both = await createTestUser({ org: { org: t0.org, role: 'site_admin' } });
  await directory.putMembership({ userId: both.userId, orgId: t1.org.orgId, orgName: t1.org.name, orgKind: t1.org.kind, role: 'site_admin', accessGroup: 'Enterprise customer', joinedAt: new Date().toISOString() });
  // Checkout profiles are the caller's own: two for the two-org caller in org 0 (a second page at limit 1).
  const [card] = t0.cards;
  for (const label of ['One', 'Two']) {
    const profileId = must(await callAs(api, both, 'POST', '/account/checkout-profiles', { body: { label, addressId: [...t0.addresses][0], paymentMethodToken: card }, headers: { 'x-org-id': t0.org.orgId } }), 201, 'createCheckoutProfile').profileId;
    t0.ids.add(profileId);
  }
}, 120_000);
afterAll(async () => {
  await api?.close();
  await dropTable?.();
});

describe('list isolation over generated multi-org data', () => {
  it('covers the list routes of the route table', () => {
    expect(listRoutes.map((r) => r.operationId)).toEqual(expect.arrayContaining(['listAddresses', 'listDeviceGroups', 'listDevices', 'listTickets', 'listRecentOrders', 'listOrgUsers', 'listDocuments']));
    expect(paginated.length).toBeGreaterThanOrEqual(6);
  });

  let runs = 0;
  let reads = 0;
  it('returns 0 foreign items, and exactly the own ones, whatever was created where', async () => {
    const op = fc.record({ org: fc.integer({ min: 0, max: ORGS - 1 }), kind: fc.constantFrom<Kind>('address', 'group', 'ticket', 'device') });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 5 }), async (ops, limit) => {
        runs++;
        await Promise.all(ops.map(({ org, kind }) => create(tenants[org] as Tenant, kind)));
        const reports = await pool(
          6,
          tenants.flatMap((t, i) =>
            listRoutes.map((route) => async () => {
              const pages = await readAll(route, t.admin, t.org.orgId, limit);
              reads += pages.length;
              const foreignIds = tenants.filter((_, j) => j !== i).flatMap((o) => [...o.ids]);
              const leaked = foreignIds.filter((id) => pages.some((p) => p.text.includes(id)));
              const problems = [
                ...pages.filter((p) => p.status !== 200 && !(route.operationId === 'listSoftwareSubscriptions' && p.status === 403)).map((p) => `${route.operationId}: ${p.status} ${p.text.slice(0, 200)}`),
                ...leaked.map((id) => `${route.operationId} in org ${i} shows foreign ${id}`),
              ];
              const exact = (field: string, own: Set<string>) => {
                const got = itemsOf(pages, field);
                if (new Set(got).size !== got.length) problems.push(`${route.operationId} in org ${i}: duplicates across pages`);
                if ([...got].sort().join() !== [...own].sort().join()) problems.push(`${route.operationId} in org ${i}: ${got.length} items, ${own.size} own`);
              };
              if (route.operationId === 'listAddresses') exact('addressId', t.addresses);
              if (route.operationId === 'listDeviceGroups') exact('groupId', t.groups);
              if (route.operationId === 'listDevices') exact('serial', t.serials);
              if (route.operationId === 'listTickets' || route.operationId === 'listRecentOrders') exact('ticketId', t.tickets);
              return problems;
            }),
          ),
        );
        expect(reports.flat()).toEqual([]);
      }),
      { numRuns: 12 },
    );
    console.info(`list isolation: ${runs} property runs over ${ORGS} orgs x ${listRoutes.length} list routes, ${reads} pages read, 0 foreign items`);
  }, 120_000);
});

describe('pagination cursors are signed and bound to the org', () => {
  it('a cursor issued in org A is a 400 in org B (same caller or another), and a tampered one is a 400', async () => {
    const [t0, t1] = tenants as [Tenant, Tenant];
    const failures: string[] = [];
    let checked = 0;
    for (const route of paginated) {
      const query = (cursor?: string) => `${route.path}?limit=1${queryKeys(route).includes('scope') ? '&scope=org' : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const first = await callAs(api, both, 'GET', query(), { headers: { 'x-org-id': t0.org.orgId } });
      const cursor: string | undefined = first.body?.nextCursor;
      if (!cursor) {
        failures.push(`${route.operationId}: no second page in org A (${first.status} ${first.text.slice(0, 120)})`);
        continue;
      }
      checked++;
      const [payload = '', sig = ''] = cursor.split('.');
      const tampered = `${payload.slice(0, -2)}${payload.at(-2) === 'A' ? 'B' : 'A'}${payload.at(-1)}.${sig}`;
      const attempts: [string, Promise<ApiResponse>][] = [
        ['same caller, org B', callAs(api, both, 'GET', query(cursor), { headers: { 'x-org-id': t1.org.orgId } })],
        ['admin of org B', callAs(api, t1.admin, 'GET', query(cursor))],
        ['another caller of org A', callAs(api, t0.admin, 'GET', query(cursor))],
        ['tampered', callAs(api, both, 'GET', query(tampered), { headers: { 'x-org-id': t0.org.orgId } })],
        ['unsigned', callAs(api, both, 'GET', query(payload), { headers: { 'x-org-id': t0.org.orgId } })],
      ];
      for (const [what, pending] of attempts) {
        const res = await pending;
        const err = ErrorBody.safeParse(res.body).data?.error;
        if (res.status !== 400 || err?.code !== 'invalid_cursor' || err.param !== 'query.cursor') failures.push(`${route.operationId} ${what}: ${res.status} ${res.text.slice(0, 160)}`);
      }
      const control = await callAs(api, both, 'GET', query(cursor), { headers: { 'x-org-id': t0.org.orgId } });
      if (control.status !== 200) failures.push(`${route.operationId} control: ${control.status} ${control.text.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(paginated.length);
    console.info(`cursors: ${checked} paginated routes x 5 misuses, all 400 invalid_cursor`);
  });
});
