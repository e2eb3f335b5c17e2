import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** AC-4 recent orders (the org's device requests of the last 30 days) and re-order, through the local API. */

let api: TestApi;
let org: Org;
let staff: TestUser;
let admin: TestUser;
let buyer: TestUser;
let colleague: TestUser;
let finance: TestUser;
let foreignBuyer: TestUser;
let shipped: { ticketId: string; reference: string };

const request = (over: Record<string, unknown> = {}) => ({
  deliveryAddress: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
  internalReference: 'HR-2291',
  phone: '+33612345678',
  apprentice: false,
  comment: 'A 14-inch screen, please.',
  ...over,
});

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown, key = randomUUID()) => call(user, 'POST', path, { body, headers: { 'idempotency-key': key } });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg();
  const other = await createTestOrg({ kind: 'partner' });
  [staff, admin, buyer, colleague, finance, foreignBuyer] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org, role: 'shopper' } }),
    createTestUser({ org: { org, role: 'finance' } }),
    createTestUser({ org: { org: other, role: 'buyer' }, tier: 'partner' }),
  ]);
  // An order whose model the vendor no longer offers (Latitude 5440, replaced by the 5450).
  const created = await post(buyer, '/desk/tickets', request());
  shipped = created.body;
  const moved = await call(staff, 'POST', `/staff/tickets/${shipped.ticketId}/transitions`, { body: { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 5440' } });
  if (moved.status !== 200) throw new Error(`transition failed: ${moved.text}`);
});
afterAll(() => api.close());

describe('listRecentOrders', () => {
  it("lists the caller's device requests of the last 30 days, newest first, in 2 DynamoDB calls", async () => {
    const second = await post(buyer, '/desk/tickets', request({ internalReference: 'HR-2292' }));
    const { result: res, calls } = await countDynamoCalls(() => call(buyer, 'GET', '/account/orders'));
    expect(res.status, res.text).toBe(200);
    expect(res.body.since).toBe(new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10));
    expect(res.body.items.map((t: { reference: string }) => t.reference).slice(0, 2)).toEqual([second.body.reference, shipped.reference]);
    expect(res.body.items[0]).toMatchObject({ orgId: org.orgId, status: 'review', internalReference: 'HR-2292', requester: { userId: buyer.userId } });
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect((await call(colleague, 'GET', '/account/orders')).body.items).toEqual([]);
  });

  it("shows the whole org's orders to site admins, and follows the org's sharing setting for others (403 tickets_own_only)", async () => {
    const all = await call(admin, 'GET', '/account/orders?scope=org');
    expect(all.body.items.map((t: { ticketId: string }) => t.ticketId)).toContain(shipped.ticketId);
    expectError(await call(colleague, 'GET', '/account/orders?scope=org'), 403, 'tickets_own_only', 'query.scope');
    expectError(await call(colleague, 'GET', '/account/orders?scope=everyone'), 400, 'invalid_field', 'query.scope');
    const foreign = await call(foreignBuyer, 'GET', '/account/orders');
    expect(foreign.status).toBe(200);
    expect(foreign.body.items).toEqual([]);
  });

  it('pages with a cursor bound to the caller', async () => {
    const first = await call(buyer, 'GET', '/account/orders?limit=1');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call(buyer, 'GET', `/account/orders?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].ticketId).not.toBe(first.body.items[0].ticketId);
    expectError(await call(colleague, 'GET', `/account/orders?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'invalid_cursor');
  });

  it('needs an Enterprise or Partner account', async () => {
    const limited = await createTestUser({ org: { org, role: 'buyer' }, tier: 'limited' });
    expectError(await call(limited, 'GET', '/account/orders'), 403, 'tier_forbidden');
  });
});

describe('reorder', () => {
  it('creates a new request prefilled from the old one and lists what changed, in 4 DynamoDB calls', async () => {
    const key = randomUUID();
    const { result: res, calls } = await countDynamoCalls(() => post(buyer, `/account/orders/${shipped.ticketId}/reorder`, { internalReference: 'HR-3000' }, key));
    expect(res.status, res.text).toBe(201);
    expect(res.body.source).toEqual({ ticketId: shipped.ticketId, reference: shipped.reference });
    expect(res.body.ticket).toMatchObject({
      status: 'review',
      version: 1,
      orgId: org.orgId,
      requester: { userId: buyer.userId },
      deliveryAddress: request().deliveryAddress,
      internalReference: 'HR-3000',
      phone: '+33612345678',
      apprentice: false,
    });
    expect(res.body.ticket.ticketId).not.toBe(shipped.ticketId);
    expect(res.body.ticket.comment).toContain(`A 14-inch screen, please.\n\n[Re-order of ${shipped.reference} - previously Latitude 5440, no longer offered; proposed: Latitude 5450]`);
    expect(res.body.changes).toEqual([
      expect.objectContaining({ code: 'model_no_longer_offered', field: 'deviceModel', previous: 'Latitude 5440', current: 'Latitude 5450' }),
      expect.objectContaining({ code: 'field_changed', field: 'internalReference', previous: 'HR-2291', current: 'HR-3000' }),
    ]);
    // principal, the old ticket with the desk settings (P12), the GEM number (P9), the desk's create transaction (P11)
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);

    const again = await post(buyer, `/account/orders/${shipped.ticketId}/reorder`, { internalReference: 'HR-3000' }, key);
    expect(again.status).toBe(201);
    expect(again.body.ticket.ticketId).toBe(res.body.ticket.ticketId);
    expect(again.body.ticket.reference).toBe(res.body.ticket.reference);
    expectError(await post(buyer, `/account/orders/${shipped.ticketId}/reorder`, { internalReference: 'HR-3001' }, key), 422, 'idempotency_key_reused');
    const mine = await call(buyer, 'GET', '/account/orders?limit=100');
    expect(mine.body.items.filter((t: { ticketId: string }) => t.ticketId === res.body.ticket.ticketId)).toHaveLength(1);
  });

  it('lets a site admin re-order a colleague\'s request, as its new requester', async () => {
    const res = await post(admin, `/account/orders/${shipped.ticketId}/reorder`, {});
    expect(res.status, res.text).toBe(201);
    expect(res.body.ticket.requester.userId).toBe(admin.userId);
    expect(res.body.changes.map((c: { code: string }) => c.code)).toEqual(['model_no_longer_offered', 'requester_changed']);
  });

  it("answers a request the caller cannot see, another org's and a missing one exactly alike (404)", async () => {
    const hidden = await post(colleague, `/account/orders/${shipped.ticketId}/reorder`, {});
    const foreign = await post(foreignBuyer, `/account/orders/${shipped.ticketId}/reorder`, {});
    const missing = await post(foreignBuyer, `/account/orders/tkt_${'0'.repeat(20)}/reorder`, {});
    expectError(foreign, 404, 'ticket_not_found', 'path.ticketId');
    expect(hidden.body).toEqual(foreign.body);
    expect(missing.body).toEqual(foreign.body);
  });

  it('is for the roles that order, validates its overrides and needs an Idempotency-Key', async () => {
    expectError(await post(finance, `/account/orders/${shipped.ticketId}/reorder`, {}), 403, 'role_forbidden');
    expectError(await post(buyer, `/account/orders/${shipped.ticketId}/reorder`, { phone: '0612' }), 400, 'invalid_field', 'body.phone');
    expectError(await post(buyer, `/account/orders/${shipped.ticketId}/reorder`, { apprentice: true }), 400, 'unknown_field', 'body.apprentice');
    expectError(await post(buyer, '/account/orders/GEM-12/reorder', {}), 400, 'invalid_field', 'path.ticketId');
    expectError(await call(buyer, 'POST', `/account/orders/${shipped.ticketId}/reorder`, { body: {} }), 400, 'missing_field', 'header.idempotency-key');
  });
});
