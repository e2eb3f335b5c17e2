import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** SD-1 device requests and SD-3 visibility, through the local API against DynamoDB Local. */

let api: TestApi;
let orgA: Org;
let adminA: TestUser;
let buyerA: TestUser;
let shopperA: TestUser;
let buyerB: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  [orgA] = await Promise.all([createTestOrg()]);
  const orgB = await createTestOrg({ kind: 'partner' });
  [adminA, buyerA, shopperA, buyerB] = await Promise.all([
    createTestUser({ org: { org: orgA, role: 'site_admin' } }),
    createTestUser({ org: { org: orgA, role: 'buyer' } }),
    createTestUser({ org: { org: orgA, role: 'shopper' } }),
    createTestUser({ org: { org: orgB, role: 'buyer' }, tier: 'partner' }),
  ]);
});
afterAll(() => api.close());

const request = (over: Record<string, unknown> = {}) => ({
  deliveryAddress: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
  internalReference: 'HR-2291',
  phone: '+33612345678',
  apprentice: false,
  comment: 'A 14-inch screen, please.',
  ...over,
});

const create = (user: TestUser, body: unknown = request(), key = randomUUID()) =>
  api.call('POST', '/desk/tickets', { token: user.tokens.accessToken, body, headers: { 'idempotency-key': key } });

const get = (user: TestUser, path: string) => api.call('GET', path, { token: user.tokens.accessToken });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('createDeviceRequest (SD-1)', () => {
  it('creates a ticket in Review with a GEM reference, the request as given and its creation in the history, in 3 DynamoDB calls', async () => {
    const { result: res, calls } = await countDynamoCalls(() => create(buyerA));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'review',
      version: 1,
      orgId: orgA.orgId,
      orgName: orgA.name,
      requester: { userId: buyerA.userId, name: 'Test User' },
      deliveryAddress: { recipient: 'Léa Martin', postalCode: '69003', country: 'FR' },
      internalReference: 'HR-2291',
      phone: '+33612345678',
      apprentice: false,
      certificateRequired: false,
      comment: 'A 14-inch screen, please.',
      attachments: [],
      history: [{ to: 'review', by: { role: 'requester', name: 'Test User' } }],
    });
    expect(res.body.reference).toMatch(/^GEM-[1-9]\d*$/);
    expect(res.body.ticketId).toMatch(/^tkt_[0-9a-z]{20}$/);
    expect(res.body.requester.email).toBeUndefined();
    // principal, GEM counter, one transaction (ticket + list entry + intake gauge + idempotency record)
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);
  });

  it('validates the postal code per country: formats with spaces, and countries without postal codes', async () => {
    const address = (over: Record<string, unknown>) => request({ deliveryAddress: { recipient: 'Ann', line1: 'Main street 1', city: 'Somewhere', ...over } });
    expect((await create(shopperA, address({ country: 'SE', postalCode: '114 55' }))).status).toBe(201);
    expect((await create(shopperA, address({ country: 'GB', postalCode: 'SW1A 1AA' }))).status).toBe(201);
    expect((await create(shopperA, address({ country: 'HK' }))).status).toBe(201);
    expectError(await create(shopperA, address({ country: 'FR', postalCode: '6900' })), 400, 'invalid_field', 'body.deliveryAddress.postalCode');
    expectError(await create(shopperA, address({ country: 'DE' })), 400, 'invalid_field', 'body.deliveryAddress.postalCode');
    expectError(await create(shopperA, address({ country: 'HK', postalCode: '999077' })), 400, 'invalid_field', 'body.deliveryAddress.postalCode');
    expectError(await create(shopperA, address({ country: 'France', postalCode: '69003' })), 400, 'invalid_field', 'body.deliveryAddress.country');
  });

  it('rejects a phone number that is not E.164, unknown fields, control characters and over-long values', async () => {
    expectError(await create(buyerA, request({ phone: '06 12 34 56 78' })), 400, 'invalid_field', 'body.phone');
    expectError(await create(buyerA, request({ colour: 'red' })), 400, 'unknown_field', 'body.colour');
    expectError(await create(buyerA, request({ internalReference: 'x'.repeat(65) })), 400, 'invalid_field', 'body.internalReference');
    expectError(await create(buyerA, request({ internalReference: 'HR\r\n{"level":"ERROR"}' })), 400, 'invalid_field', 'body.internalReference');
    expectError(await create(buyerA, request({ apprentice: 'yes' })), 400, 'invalid_field', 'body.apprentice');
    const { apprentice: _, ...withoutApprentice } = request();
    expectError(await create(buyerA, withoutApprentice), 400, 'missing_field', 'body.apprentice');
  });

  it('requires an Idempotency-Key', async () => {
    const res = await api.call('POST', '/desk/tickets', { token: buyerA.tokens.accessToken, body: request() });
    expectError(res, 400, 'missing_field', 'header.idempotency-key');
  });

  it('makes exactly one ticket from 50 concurrent identical requests with one key, and every success returns it', async () => {
    const requester = await createTestUser({ org: { org: orgA, role: 'buyer' } });
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 50 }, () => create(requester, request({ internalReference: 'burst' }), key)));
    const ok = results.filter((r) => r.status === 201);
    expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'request_in_progress'))).toBe(true);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((r) => r.body.ticketId)).size).toBe(1);
    expect(new Set(ok.map((r) => r.body.reference)).size).toBe(1);
    const mine = await get(requester, '/desk/tickets');
    expect(mine.body.items.map((t: { ticketId: string }) => t.ticketId)).toEqual([ok[0]?.body.ticketId]);
  });

  it('refuses the same key with another body with a 422 and writes no ticket', async () => {
    const requester = await createTestUser({ org: { org: orgA, role: 'buyer' } });
    const key = randomUUID();
    const first = await create(requester, request(), key);
    expect(first.status).toBe(201);
    const { result: second, calls } = await countDynamoCalls(() => create(requester, request({ internalReference: 'changed' }), key));
    expectError(second, 422, 'idempotency_key_reused', 'header.idempotency-key');
    expect(second.body.error.type).toBe('idempotency_error');
    // The transaction was cancelled: the only item that changed is the GEM counter (a burned number).
    expect(calls).toEqual(['QueryCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand', 'GetItemCommand']);
    const mine = await get(requester, '/desk/tickets');
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].internalReference).toBe('HR-2291');
  });

  it('answers 403 to accounts without the Enterprise or Partner tier, without company access, or in a role that does not order', async () => {
    const basic = await createTestUser({ tier: 'basic' });
    expectError(await create(basic), 403, 'tier_forbidden');
    const limited = await createTestUser({ org: { org: orgA, role: 'buyer' }, tier: 'limited' });
    expectError(await create(limited), 403, 'tier_forbidden');
    const noOrg = await createTestUser({ tier: 'enterprise' });
    expectError(await create(noOrg), 403, 'org_membership_required');
    const finance = await createTestUser({ org: { org: orgA, role: 'finance' } });
    expectError(await create(finance), 403, 'role_forbidden');
    expectError(await get(basic, '/desk/tickets'), 403, 'tier_forbidden');
  });
});

describe('getTicket (SD-3)', () => {
  let ticketOfBuyerA: string;
  beforeAll(async () => {
    ticketOfBuyerA = (await create(buyerA)).body.ticketId;
  });

  it('reads a ticket with its history in 2 DynamoDB calls (principal, ticket + org setting in one batch)', async () => {
    const { result: res, calls } = await countDynamoCalls(() => get(buyerA, `/desk/tickets/${ticketOfBuyerA}`));
    expect(res.status).toBe(200);
    expect(res.body.ticketId).toBe(ticketOfBuyerA);
    expect(res.body.history).toHaveLength(1);
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it("answers another org's ticket exactly like a missing one", async () => {
    const foreign = await get(buyerB, `/desk/tickets/${ticketOfBuyerA}`);
    const missing = await get(buyerB, '/desk/tickets/tkt_00000000000000000000');
    expectError(foreign, 404, 'ticket_not_found', 'path.ticketId');
    expect(foreign.body).toEqual(missing.body);
    expect(foreign.status).toBe(missing.status);
    // An org id forged in a header is refused like any org the caller is not a member of.
    expectError(await api.call('GET', `/desk/tickets/${ticketOfBuyerA}`, { token: buyerB.tokens.accessToken, headers: { 'x-org-id': orgA.orgId } }), 404, 'org_not_found');
  });

  it('rejects a malformed ticket id with a 400', async () => {
    expectError(await get(buyerA, '/desk/tickets/GEM-1'), 400, 'invalid_field', 'path.ticketId');
  });

  it("hides a colleague's ticket by default, shows it to site admins, and to colleagues once the org shares tickets", async () => {
    const org = await createTestOrg();
    const [admin, alice, bob] = await Promise.all([
      createTestUser({ org: { org, role: 'site_admin' } }),
      createTestUser({ org: { org, role: 'buyer' } }),
      createTestUser({ org: { org, role: 'shopper' } }),
    ]);
    const ticketId = (await create(alice)).body.ticketId;
    const missing = await get(bob, '/desk/tickets/tkt_00000000000000000000');
    const hidden = await get(bob, `/desk/tickets/${ticketId}`);
    expectError(hidden, 404, 'ticket_not_found');
    expect(hidden.body).toEqual(missing.body);
    expect((await get(admin, `/desk/tickets/${ticketId}`)).status).toBe(200);
    expect((await get(admin, '/desk/settings')).body).toEqual({ visibility: 'own' });

    expectError(await api.call('PUT', '/desk/settings', { token: bob.tokens.accessToken, body: { visibility: 'org' } }), 403, 'role_forbidden');
    expectError(await api.call('PUT', '/desk/settings', { token: admin.tokens.accessToken, body: { visibility: 'everyone' } }), 400, 'invalid_field', 'body.visibility');
    const { result: shared, calls: putCalls } = await countDynamoCalls(() => api.call('PUT', '/desk/settings', { token: admin.tokens.accessToken, body: { visibility: 'org' } }));
    expect(shared.body).toEqual({ visibility: 'org' });
    expect(putCalls).toEqual(['QueryCommand', 'PutItemCommand']);
    const { result: read, calls: getCalls } = await countDynamoCalls(() => get(bob, '/desk/settings'));
    expect(read.body).toEqual({ visibility: 'org' });
    expect(getCalls).toEqual(['QueryCommand', 'GetItemCommand']);
    expect((await get(bob, `/desk/tickets/${ticketId}`)).status).toBe(200);
    const orgList = await get(bob, '/desk/tickets?scope=org');
    expect(orgList.body.items.map((t: { ticketId: string }) => t.ticketId)).toEqual([ticketId]);

    await api.call('PUT', '/desk/settings', { token: admin.tokens.accessToken, body: { visibility: 'own' } });
    expectError(await get(bob, `/desk/tickets/${ticketId}`), 404, 'ticket_not_found');
    expectError(await get(bob, '/desk/tickets?scope=org'), 403, 'tickets_own_only', 'query.scope');
  });
});

describe('listTickets (SD-3)', () => {
  let org: Org;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    org = await createTestOrg();
    [admin, alice, bob] = await Promise.all([
      createTestUser({ org: { org, role: 'site_admin' } }),
      createTestUser({ org: { org, role: 'buyer' } }),
      createTestUser({ org: { org, role: 'buyer' } }),
    ]);
    // Sequential, so creation times (and the newest-first order) are distinct.
    for (const [name, user] of [['a1', alice], ['a2', alice], ['b1', bob], ['a3', alice]] as const) {
      ids[name] = (await create(user, request({ internalReference: name }))).body.ticketId;
    }
  });

  const refsOf = (res: ApiResponse) => res.body.items.map((t: { internalReference: string }) => t.internalReference);

  it('lists my requests newest first in 2 DynamoDB calls', async () => {
    const { result: res, calls } = await countDynamoCalls(() => get(alice, '/desk/tickets'));
    expect(res.status).toBe(200);
    expect(refsOf(res)).toEqual(['a3', 'a2', 'a1']);
    expect(res.body.nextCursor).toBeUndefined();
    expect(res.body.items[0]).toMatchObject({ status: 'review', orgId: org.orgId, requester: { userId: alice.userId } });
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it("lists the whole org for a site admin, and one requester's tickets on request", async () => {
    const { result: all, calls } = await countDynamoCalls(() => get(admin, '/desk/tickets?scope=org'));
    expect(refsOf(all)).toEqual(['a3', 'b1', 'a2', 'a1']);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expect(refsOf(await get(admin, `/desk/tickets?scope=org&requesterId=${bob.userId}`))).toEqual(['b1']);
  });

  it('keeps the org list from members of an org that does not share tickets, and needs scope=org to filter by another requester', async () => {
    expectError(await get(bob, '/desk/tickets?scope=org'), 403, 'tickets_own_only');
    expectError(await get(bob, `/desk/tickets?requesterId=${alice.userId}`), 400, 'requester_needs_org_scope', 'query.requesterId');
    expect(refsOf(await get(bob, `/desk/tickets?scope=org&requesterId=${bob.userId}`))).toEqual(['b1']);
  });

  it('filters by status and creation date range', async () => {
    expect(refsOf(await get(alice, '/desk/tickets?status=review'))).toEqual(['a3', 'a2', 'a1']);
    expect(refsOf(await get(alice, '/desk/tickets?status=billed'))).toEqual([]);
    const a2 = (await get(alice, `/desk/tickets/${ids.a2}`)).body.createdAt as string;
    expect(refsOf(await get(alice, `/desk/tickets?from=${encodeURIComponent(a2)}`))).toEqual(['a3', 'a2']);
    expect(refsOf(await get(alice, `/desk/tickets?to=${encodeURIComponent(a2)}`))).toEqual(['a2', 'a1']);
    expect(refsOf(await get(admin, `/desk/tickets?scope=org&from=${encodeURIComponent(a2)}&to=${encodeURIComponent(a2)}`))).toEqual(['a2']);
    expect(refsOf(await get(alice, '/desk/tickets?to=2001-01-01'))).toEqual([]);
    expectError(await get(alice, '/desk/tickets?from=2030-01-02&to=2030-01-01'), 400, 'invalid_date_range', 'query.from');
    expectError(await get(alice, '/desk/tickets?from=yesterday'), 400, 'invalid_field', 'query.from');
    expectError(await get(alice, '/desk/tickets?status=closed'), 400, 'invalid_field', 'query.status');
  });

  it('pages with signed cursors bound to the org, caller and filters, at most 100 a page', async () => {
    const first = await get(admin, '/desk/tickets?scope=org&limit=3');
    expect(refsOf(first)).toEqual(['a3', 'b1', 'a2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(admin, `/desk/tickets?scope=org&limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(refsOf(second)).toEqual(['a1']);

    const cursor = encodeURIComponent(first.body.nextCursor);
    // Another org's member (B), another caller of the same org, other filters, a tampered cursor: all 400.
    expectError(await get(buyerB, `/desk/tickets?scope=org&limit=3&cursor=${cursor}`), 400, 'invalid_cursor', 'query.cursor');
    expectError(await get(alice, `/desk/tickets?limit=3&cursor=${cursor}`), 400, 'invalid_cursor');
    expectError(await get(admin, `/desk/tickets?scope=org&status=review&limit=3&cursor=${cursor}`), 400, 'invalid_cursor');
    expectError(await get(admin, `/desk/tickets?scope=org&limit=3&cursor=${cursor.slice(0, -2)}xx`), 400, 'invalid_cursor');

    expectError(await get(admin, '/desk/tickets?limit=101'), 400, 'invalid_field', 'query.limit');
    expectError(await get(admin, '/desk/tickets?limit=0'), 400, 'invalid_field', 'query.limit');
    expect((await get(admin, '/desk/tickets?limit=100')).status).toBe(200);
  });

  it('pages the shared org list for members, and a cursor issued to one member does not work for another', async () => {
    const sharedOrg = await createTestOrg();
    const [owner, carol, dave] = await Promise.all([
      createTestUser({ org: { org: sharedOrg, role: 'site_admin' } }),
      createTestUser({ org: { org: sharedOrg, role: 'buyer' } }),
      createTestUser({ org: { org: sharedOrg, role: 'buyer' } }),
    ]);
    await api.call('PUT', '/desk/settings', { token: owner.tokens.accessToken, body: { visibility: 'org' } });
    for (const ref of ['c1', 'c2', 'c3']) await create(carol, request({ internalReference: ref }));
    const { result: first, calls } = await countDynamoCalls(() => get(dave, '/desk/tickets?scope=org&limit=2'));
    expect(refsOf(first)).toEqual(['c3', 'c2']);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    const next = await get(dave, `/desk/tickets?scope=org&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(refsOf(next)).toEqual(['c1']);
    expectError(await get(carol, `/desk/tickets?scope=org&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`), 400, 'invalid_cursor');
    expect(refsOf(await get(dave, '/desk/tickets?scope=org&status=review&to=2001-01-01'))).toEqual([]);
  });

  it('keeps a page to its limit when the org has no settings item (the place kept for it goes unused), and resumes after the last shown', async () => {
    const bare = await createTestOrg();
    const buyer = await createTestUser({ org: { org: bare, role: 'buyer' } });
    const created = [];
    for (const ref of ['n1', 'n2', 'n3']) created.push((await create(buyer, request({ internalReference: ref }))).body);
    const store = deskStore();
    const range = { from: '2000-01-01', to: '2999-12-31' };
    const first = await store.listOrgTickets(bare.orgId, range, 2, undefined, true);
    expect(first.settings).toMatchObject({ visibility: 'own' });
    expect(first.items.map((t) => t.internalReference)).toEqual(['n3', 'n2']);
    expect(first.lastKey).toBeDefined();
    const second = await store.listOrgTickets(bare.orgId, range, 2, first.lastKey, true);
    expect(second.items.map((t) => t.internalReference)).toEqual(['n1']);
    expect(created).toHaveLength(3);
  });
});

describe('ticket email preferences', () => {
  it('are on by default and can be turned off and on again, per user, in 2 DynamoDB calls', async () => {
    const user = await createTestUser({ org: { org: orgA, role: 'buyer' } });
    expect((await get(user, '/desk/preferences')).body).toEqual({ ticketEmails: true });
    const { result: off, calls } = await countDynamoCalls(() => api.call('PUT', '/desk/preferences', { token: user.tokens.accessToken, body: { ticketEmails: false } }));
    expect(off.body).toEqual({ ticketEmails: false });
    expect(calls).toEqual(['QueryCommand', 'PutItemCommand']);
    expect((await get(user, '/desk/preferences')).body).toEqual({ ticketEmails: false });
    expect((await get(buyerA, '/desk/preferences')).body).toEqual({ ticketEmails: true });
    expectError(await api.call('PUT', '/desk/preferences', { token: user.tokens.accessToken, body: { ticketEmails: 'no' } }), 400, 'invalid_field');
  });
});
