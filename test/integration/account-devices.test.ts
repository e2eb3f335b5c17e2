import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * AC-5 devices (staff import, shipped tickets projected from the stream, custom groups) and AC-6 service
 * contracts (per asset; renew or upgrade files a service request), through the local API.
 */

let api: TestApi;
let org: Org;
let otherOrg: Org;
let staff: TestUser;
let admin: TestUser;
let buyer: TestUser;
let shopper: TestUser;
let viewer: TestUser;
let foreignAdmin: TestUser;

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const devices = () => [
  { serial: 'lat-0001', idKind: 'service_tag', model: 'Latitude 5450', site: 'Lyon, FR', shipDate: '2025-01-10', warranty: { plan: 'pro_support', startDate: '2025-01-10', endDate: inDays(400) } },
  { serial: 'LAT-0002', idKind: 'service_tag', model: 'Latitude 7450', site: 'Paris, FR', warranty: { plan: 'basic', endDate: inDays(30) } },
  { serial: 'PRE-0003', idKind: 'serial_number', model: 'Precision 5690', site: 'Lyon, FR', warranty: { plan: 'pro_support_plus', endDate: inDays(-1) } },
  { serial: 'OPT-0004', idKind: 'serial_number', model: 'OptiPlex 7020', family: 'Desktops', site: 'Lyon, FR', warranty: { plan: 'basic', endDate: inDays(900) } },
];

beforeAll(async () => {
  api = await startTestApi();
  [org, otherOrg] = await Promise.all([createTestOrg(), createTestOrg()]);
  [staff, admin, buyer, shopper, viewer, foreignAdmin] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org, role: 'shopper' } }),
    createTestUser({ org: { org, role: 'report_viewer' } }),
    createTestUser({ org: { org: otherOrg, role: 'site_admin' } }),
  ]);
  const imported = await api.call('POST', `/staff/orgs/${org.orgId}/devices/import`, { token: staff.tokens.accessToken, body: { devices: devices() } });
  if (imported.status !== 200) throw new Error(`import failed: ${imported.text}`);
});
afterAll(() => api.close());

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown, key = randomUUID()) => call(user, 'POST', path, { body, headers: { 'idempotency-key': key } });
const serials = (res: ApiResponse) => (res.body.items as { serial: string }[]).map((d) => d.serial);

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('importDevices (staff)', () => {
  it("writes the org's assets all or nothing, for staff only, and answers 404 for an unknown org", async () => {
    const body = { devices: devices().slice(0, 1) };
    expectError(await call(admin, 'POST', `/staff/orgs/${org.orgId}/devices/import`, { body }), 403, 'staff_only');
    expectError(await call(staff, 'POST', '/staff/orgs/org_doesnotexist0000/devices/import', { body }), 404, 'org_not_found', 'path.orgId');
    const dup = { devices: [devices()[0], { ...devices()[0], serial: 'LAT-0001' }] };
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/devices/import`, { body: dup }), 400, 'invalid_field', 'body.devices');
    const tooMany = { devices: Array.from({ length: 100 }, (_, i) => ({ ...devices()[1], serial: `BULK-${i}` })) };
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/devices/import`, { body: tooMany }), 400, 'invalid_field', 'body.devices');
    const badPlan = { devices: [{ ...devices()[0], warranty: { plan: 'gold', endDate: today() } }] };
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/devices/import`, { body: badPlan }), 400, 'invalid_field', 'body.devices.0.warranty.plan');
  });
});

describe('listDevices (AC-5)', () => {
  it("lists the org's devices with service tag or serial, model, family, site and warranty status, in 2 DynamoDB calls", async () => {
    const { result: res, calls } = await countDynamoCalls(() => call(shopper, 'GET', '/account/devices'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([
      { serial: 'LAT-0001', idKind: 'service_tag', model: 'Latitude 5450', family: 'Latitude', site: 'Lyon, FR', shipDate: '2025-01-10', warranty: { plan: 'pro_support', startDate: '2025-01-10', endDate: inDays(400), status: 'active' }, source: { kind: 'import' } },
      expect.objectContaining({ serial: 'LAT-0002', warranty: expect.objectContaining({ status: 'expiring_soon' }) }),
      expect.objectContaining({ serial: 'OPT-0004', family: 'Desktops' }),
      expect.objectContaining({ serial: 'PRE-0003', family: 'Precision', warranty: expect.objectContaining({ status: 'expired' }) }),
    ]);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect((await call(foreignAdmin, 'GET', '/account/devices')).body.items).toEqual([]);
  });

  it('filters by warranty status', async () => {
    expect(serials(await call(buyer, 'GET', '/account/devices?warranty=expired'))).toEqual(['PRE-0003']);
    expectError(await call(buyer, 'GET', '/account/devices?warranty=soon'), 400, 'invalid_field', 'query.warranty');
  });

  it('is filled from shipped tickets: a device request reaching Ready to bill adds its devices', async () => {
    const created = await post(buyer, '/desk/tickets', {
      deliveryAddress: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
      phone: '+33612345678',
      apprentice: false,
    });
    expect(created.status, created.text).toBe(201);
    const t = created.body as { ticketId: string; reference: string };
    const move = (body: unknown) => call(staff, 'POST', `/staff/tickets/${t.ticketId}/transitions`, { body });
    expect((await move({ to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 3550' })).status).toBe(200);
    expect((await move({ to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['cn-ship-0001', 'CN-SHIP-0002'] })).status).toBe(200);

    const deadline = Date.now() + 15_000;
    let shipped: Record<string, unknown>[] = [];
    while (Date.now() < deadline && shipped.length < 2) {
      const res = await call(buyer, 'GET', '/account/devices?limit=100');
      shipped = (res.body.items as { serial: string }[]).filter((d) => d.serial.startsWith('CN-SHIP-'));
      if (shipped.length < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(shipped).toEqual([
      {
        serial: 'CN-SHIP-0001',
        idKind: 'serial_number',
        model: 'Latitude 3550',
        family: 'Latitude',
        site: 'Lyon, FR',
        shipDate: today(),
        warranty: { plan: 'basic', startDate: today(), endDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), status: 'active' },
        source: { kind: 'shipment', reference: t.reference },
      },
      expect.objectContaining({ serial: 'CN-SHIP-0002' }),
    ]);
  });
});

describe('device groups (AC-5)', () => {
  it('select individual products, families, sites or combinations, and filter the device list', async () => {
    const byFamilyAndSite = await post(buyer, '/account/device-groups', { name: 'Lyon laptops', families: ['latitude'], sites: ['Lyon, FR'] });
    expect(byFamilyAndSite.status, byFamilyAndSite.text).toBe(201);
    expect(byFamilyAndSite.body).toMatchObject({ name: 'Lyon laptops', serials: [], families: ['latitude'], sites: ['Lyon, FR'], createdBy: { name: 'Test User' } });
    const byProducts = await post(admin, '/account/device-groups', { name: 'Picked', serials: ['pre-0003', 'LAT-0002'] });

    const { result: res, calls } = await countDynamoCalls(() => call(shopper, 'GET', `/account/devices?groupId=${byFamilyAndSite.body.groupId}&limit=100`));
    expect(res.status, res.text).toBe(200);
    expect(serials(res).filter((s) => !s.startsWith('CN-'))).toEqual(['LAT-0001']);
    // principal, then the group and the first devices in one Query
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect(serials(await call(shopper, 'GET', `/account/devices?groupId=${byProducts.body.groupId}`))).toEqual(['LAT-0002', 'PRE-0003']);
    const listed = await call(shopper, 'GET', '/account/device-groups');
    expect(listed.body.items.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['Lyon laptops', 'Picked']));
  });

  it('page through a group with a cursor, reading the group beside each later page', async () => {
    const group = await post(buyer, '/account/device-groups', { name: 'Everything in Lyon', sites: ['Lyon, FR'] });
    const found: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(buyer, 'GET', `/account/devices?groupId=${group.body.groupId}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      found.push(...serials(res));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(found.filter((s) => !s.startsWith('CN-'))).toEqual(['LAT-0001', 'OPT-0004', 'PRE-0003']);
    expectError(await call(buyer, 'GET', `/account/devices?groupId=${group.body.groupId}&warranty=expired&cursor=${encodeURIComponent('x.y')}`), 400, 'invalid_cursor');
  });

  it("are updated and deleted; another org's group answers exactly like a missing one", async () => {
    const group = await post(buyer, '/account/device-groups', { name: 'Temp', families: ['OptiPlex'] });
    const id = group.body.groupId as string;
    const updated = await call(buyer, 'PUT', `/account/device-groups/${id}`, { body: { name: 'Desktops', families: ['Desktops'] } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ groupId: id, name: 'Desktops', families: ['Desktops'] });
    expect(serials(await call(buyer, 'GET', `/account/devices?groupId=${id}`))).toEqual(['OPT-0004']);

    const missingId = `dgr_${'0'.repeat(20)}`;
    const foreignList = await call(foreignAdmin, 'GET', `/account/devices?groupId=${id}`);
    const missingList = await call(foreignAdmin, 'GET', `/account/devices?groupId=${missingId}`);
    expectError(foreignList, 404, 'device_group_not_found', 'query.groupId');
    expect(missingList.body).toEqual(foreignList.body);
    for (const [method, body] of [['PUT', { name: 'x', sites: ['y'] }], ['DELETE', undefined]] as const) {
      const foreign = await call(foreignAdmin, method, `/account/device-groups/${id}`, { body });
      const missing = await call(foreignAdmin, method, `/account/device-groups/${missingId}`, { body });
      expectError(foreign, 404, 'device_group_not_found', 'path.groupId');
      expect(missing.body).toEqual(foreign.body);
    }
    expect((await call(admin, 'DELETE', `/account/device-groups/${id}`)).status).toBe(204);
    expectError(await call(buyer, 'GET', `/account/devices?groupId=${id}`), 404, 'device_group_not_found');
  });

  it('need a name and at least one selection, are curated by site admins and buyers only, and replay idempotently', async () => {
    expectError(await post(buyer, '/account/device-groups', { name: 'Nothing' }), 400, 'invalid_field', 'body.serials');
    expectError(await post(buyer, '/account/device-groups', { name: 'Dupes', sites: ['Lyon', 'lyon'] }), 400, 'invalid_field', 'body.sites');
    expectError(await post(buyer, '/account/device-groups', { name: 'Bad', serials: ['no spaces'] }), 400, 'invalid_field', 'body.serials.0');
    expectError(await post(shopper, '/account/device-groups', { name: 'Mine', sites: ['Lyon, FR'] }), 403, 'role_forbidden');
    expectError(await call(viewer, 'PUT', `/account/device-groups/dgr_${'0'.repeat(20)}`, { body: { name: 'x', sites: ['y'] } }), 403, 'role_forbidden');
    expectError(await call(viewer, 'DELETE', `/account/device-groups/dgr_${'0'.repeat(20)}`), 403, 'role_forbidden');
    const key = randomUUID();
    const a = await post(buyer, '/account/device-groups', { name: 'Once', sites: ['Paris, FR'] }, key);
    const b = await post(buyer, '/account/device-groups', { name: 'Once', sites: ['Paris, FR'] }, key);
    expect(b.body.groupId).toBe(a.body.groupId);
  });
});

describe('service contracts (AC-6)', () => {
  it('list the support contract per asset, with the plans it can be upgraded to', async () => {
    const res = await call(viewer, 'GET', '/account/service-contracts?status=expired');
    expect(res.status, res.text).toBe(200);
    expect(res.body.items).toEqual([{ serial: 'PRE-0003', model: 'Precision 5690', plan: 'pro_support_plus', endDate: inDays(-1), status: 'expired', upgradableTo: [] }]);
    const all = await call(admin, 'GET', '/account/service-contracts?limit=100');
    expect(all.body.items.find((c: { serial: string }) => c.serial === 'LAT-0002').upgradableTo).toEqual(['pro_support', 'pro_support_plus']);
  });

  it('renew or upgrade by filing a service request over the org\'s assets, in 2 DynamoDB calls, idempotently', async () => {
    const key = randomUUID();
    const body = { kind: 'upgrade', serials: ['lat-0002', 'PRE-0003'], plan: 'pro_support_plus', durationMonths: 36 };
    const { result: res, calls } = await countDynamoCalls(() => post(buyer, '/account/service-contracts/requests', body, key));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ kind: 'upgrade', serials: ['LAT-0002', 'PRE-0003'], plan: 'pro_support_plus', durationMonths: 36, status: 'submitted', requester: { name: 'Test User' } });
    expect(res.body.reference).toMatch(/^SR-[0-9A-F]{10}$/);
    // principal, one transaction (request + a check per asset + idempotency record)
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    expect((await post(buyer, '/account/service-contracts/requests', body, key)).body).toEqual(res.body);
  });

  it("answer a serial of another org exactly like an unknown one, and refuse an upgrade to the basic plan", async () => {
    const foreign = await post(foreignAdmin, '/account/service-contracts/requests', { kind: 'renew', serials: ['LAT-0001'], plan: 'basic', durationMonths: 12 });
    const missing = await post(foreignAdmin, '/account/service-contracts/requests', { kind: 'renew', serials: ['ZZZ-0001'], plan: 'basic', durationMonths: 12 });
    expectError(foreign, 404, 'device_not_found', 'body.serials.0');
    // The same answer but for the serial it names.
    expect(JSON.parse(missing.text.replaceAll('ZZZ-0001', 'LAT-0001'))).toEqual(foreign.body);
    expectError(await post(buyer, '/account/service-contracts/requests', { kind: 'renew', serials: ['LAT-0001', 'NOPE-1'], plan: 'basic', durationMonths: 12 }), 404, 'device_not_found', 'body.serials.1');
    expectError(await post(buyer, '/account/service-contracts/requests', { kind: 'upgrade', serials: ['LAT-0001'], plan: 'basic', durationMonths: 12 }), 422, 'upgrade_needs_higher_plan', 'body.plan');
    expectError(await post(buyer, '/account/service-contracts/requests', { kind: 'renew', serials: ['LAT-0001'], plan: 'basic', durationMonths: 18 }), 400, 'invalid_field', 'body.durationMonths');
    expectError(await post(buyer, '/account/service-contracts/requests', { kind: 'renew', serials: [], plan: 'basic', durationMonths: 12 }), 400, 'invalid_field', 'body.serials');
  });

  it('are not available to shoppers (403), and report viewers may look but not buy', async () => {
    expectError(await call(shopper, 'GET', '/account/service-contracts'), 403, 'role_forbidden');
    expectError(await post(shopper, '/account/service-contracts/requests', { kind: 'renew', serials: ['LAT-0001'], plan: 'basic', durationMonths: 12 }), 403, 'role_forbidden');
    expectError(await post(viewer, '/account/service-contracts/requests', { kind: 'renew', serials: ['LAT-0001'], plan: 'basic', durationMonths: 12 }), 403, 'role_forbidden');
  });
});
