import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { dynamoOutboxStore } from '#shared/adapters/dynamodb/repositories/outbox-store.ts';
import { ENV } from '#shared/config/env.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { ensureTable } from '#infra/local/bootstrap.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * SD-2 intake: GEM numbering under a burst, Queued over capacity, and FIFO promotion. The gauge is desk-wide,
 * so this file runs against a table of its own (the handlers read TABLE_NAME per call): lowering the capacity
 * here cannot queue the tickets other test files create.
 */

const tableName = `portal-desk-intake-${randomUUID().slice(0, 8)}`;
let api: TestApi;
let staff: TestUser;
let requesters: TestUser[];

interface Created {
  ticketId: string;
  reference: string;
  status: string;
  version: number;
}
let burst: Created[];

const numberOf = (t: { reference: string }) => Number(t.reference.slice(4));

beforeAll(async () => {
  await ensureTable({ endpoint: inject('stack').endpoints.dynamodb, region: 'eu-west-1', tableName });
  vi.stubEnv(ENV.tableName, tableName);
  api = await startTestApi();
  const org = await createTestOrg();
  [staff, ...requesters] = await Promise.all([
    createTestUser({ staff: true }),
    ...Array.from({ length: 4 }, () => createTestUser({ org: { org, role: 'buyer' } })),
  ]);
});

afterAll(async () => {
  await api.close();
  vi.unstubAllEnvs();
  const client = new DynamoDBClient({ endpoint: inject('stack').endpoints.dynamodb });
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const create = (user: TestUser) =>
  api.call('POST', '/desk/tickets', {
    token: user.tokens.accessToken,
    body: { deliveryAddress: { recipient: 'Kim', line1: 'Storgatan 1', postalCode: '11455', city: 'Stockholm', country: 'SE' }, phone: '+46701234567', apprentice: false },
    headers: { 'idempotency-key': randomUUID() },
  });
const setCapacity = (capacity: number, user: TestUser = staff) => api.call('PUT', '/staff/desk/intake', { token: user.tokens.accessToken, body: { capacity } });
const intake = async () => (await api.call('GET', '/staff/desk/intake', { token: staff.tokens.accessToken })).body;
const staffTicket = async (ticketId: string) => (await api.call('GET', `/staff/tickets/${ticketId}`, { token: staff.tokens.accessToken })).body;
const ship = (t: { ticketId: string; version: number }) =>
  api.call('POST', `/staff/tickets/${t.ticketId}/transitions`, { token: staff.tokens.accessToken, body: { to: 'ready_to_ship', expectedVersion: t.version, deviceModel: 'ThinkPad T14' } });

/** The queued tickets (the staff queue of status queued), oldest (lowest GEM number) first. */
async function stillQueued(): Promise<Created[]> {
  const res = await api.call('GET', '/staff/tickets?status=queued&limit=100', { token: staff.tokens.accessToken });
  expect(res.body.nextCursor).toBeUndefined();
  return (res.body.items as Created[]).sort((a, b) => numberOf(a) - numberOf(b));
}

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('intake capacity and the queue (SD-2)', () => {
  it('numbers 200 concurrent requests GEM-1..GEM-200 with no duplicates, admitting exactly the capacity and queuing the rest', async () => {
    expect((await setCapacity(150)).body).toEqual({ capacity: 150, open: 0, queued: 0 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => create(requesters[i % requesters.length] as TestUser)));
    expect(results.filter((r) => r.status !== 201).map((r) => r.text)).toEqual([]);
    burst = results.map((r) => r.body as Created);
    expect(burst.map(numberOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(burst.filter((t) => t.status === 'review')).toHaveLength(150);
    expect(burst.filter((t) => t.status === 'queued')).toHaveLength(50);
    expect(await intake()).toEqual({ capacity: 150, open: 150, queued: 50, lastReference: 'GEM-200' });
  });

  it('moves the oldest queued ticket to Review when a ticket leaves Review, in the same write, and tells its requester', async () => {
    const [oldest, next] = await stillQueued();
    const leaving = burst.find((t) => t.status === 'review') as Created;
    const { result: res, calls } = await countDynamoCalls(() => ship(leaving));
    expect(res.status, res.text).toBe(200);
    // The optimistic write is refused (someone waits); the gauge and the queue head are read; one transaction does both.
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    const promoted = await staffTicket((oldest as Created).ticketId);
    expect(promoted).toMatchObject({ status: 'review', version: 2 });
    expect(promoted.history.at(-1)).toMatchObject({ from: 'queued', to: 'review', by: { role: 'system' } });
    expect((await staffTicket((next as Created).ticketId)).status).toBe('queued');
    expect(await intake()).toMatchObject({ capacity: 150, open: 150, queued: 49 });
    const pending = await dynamoOutboxStore.listPending(new Date(Date.now() + 60_000), 1000);
    const mail = pending.find((m) => m.data.reference === (oldest as Created).reference);
    expect(mail).toMatchObject({ template: 'ticket_status_changed', data: { fromStatus: 'queued', toStatus: 'review' } });
  });

  it('promotes exactly the oldest queued tickets, once each, when several leave Review at the same time', async () => {
    const queuedBefore = await stillQueued();
    const leaving = (await Promise.all(burst.filter((t) => t.status === 'review').slice(1, 6).map(async (t) => ({ ...t, ...(await staffTicket(t.ticketId)) })))) as Created[];
    const results = await Promise.all(leaving.map(ship));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const queuedAfter = await stillQueued();
    expect(queuedAfter.map((t) => t.ticketId)).toEqual(queuedBefore.slice(5).map((t) => t.ticketId));
    expect(await intake()).toMatchObject({ open: 150, queued: 44 });
  });

  it('lets queued tickets in, oldest first and at most 15 per write, when staff raise the capacity; new requests wait behind them', async () => {
    const before = await stillQueued();
    const { result: raised, calls } = await countDynamoCalls(() => setCapacity(400));
    expect(raised.body).toEqual({ capacity: 400, open: 165, queued: 29, lastReference: 'GEM-200' });
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expect((await stillQueued()).map((t) => t.ticketId)).toEqual(before.slice(15).map((t) => t.ticketId));

    // Review has room, but 29 wait: a new request queues behind them.
    const late = await create(requesters[0] as TestUser);
    expect(late.body).toMatchObject({ status: 'queued', reference: 'GEM-201' });
    await setCapacity(400);
    await setCapacity(400);
    expect(await intake()).toMatchObject({ open: 195, queued: 0 });
    expect((await staffTicket(late.body.ticketId)).status).toBe('review');
    expect((await create(requesters[1] as TestUser)).body.status).toBe('review');
  });

  it('promotes nobody when Review is still over a lowered capacity', async () => {
    await setCapacity(10);
    const waiting = await create(requesters[2] as TestUser);
    expect(waiting.body.status).toBe('queued');
    const leaving = { ...(burst.find((t) => t.status === 'review' && numberOf(t) > 100) as Created), version: 1 };
    const { result: res, calls } = await countDynamoCalls(() => ship(leaving));
    expect(res.status, res.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    expect((await staffTicket(waiting.body.ticketId)).status).toBe('queued');
    expect(await intake()).toMatchObject({ capacity: 10, open: 195, queued: 1 });
  });

  it('is staff only, validates the capacity, and reads the gauge in 2 DynamoDB calls', async () => {
    expectError(await setCapacity(100, requesters[0]), 403, 'staff_only');
    expectError(await setCapacity(0), 400, 'invalid_field', 'body.capacity');
    expectError(await api.call('PUT', '/staff/desk/intake', { token: staff.tokens.accessToken, body: { capacity: 10, open: 0 } }), 400, 'unknown_field', 'body.open');
    const { calls } = await countDynamoCalls(() => intake());
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });
});
