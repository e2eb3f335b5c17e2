import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * SECURITY.md "Idempotency": the entity write is conditional and commits in one TransactWriteItems with the
 * idempotency record, so there is no window between them. The crash that remains possible is the one after
 * that transaction commits and before the caller hears of it (a dropped connection, a Lambda timeout): the
 * fault is injected exactly there, on the real client, and the client's retry with the same key must leave one
 * entity and answer what the first request would have.
 */

let api: TestApi;
let admin: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const org = await createTestOrg();
  admin = await createTestUser({ org: { org, role: 'site_admin' } });
}, 60_000);
afterAll(() => api.close());
afterEach(() => vi.restoreAllMocks());

/** The next TransactWriteItems commits, then the call fails as if the connection dropped before the answer. */
function crashAfterNextTransaction(): { crashed: () => boolean } {
  const client = documentClient();
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  let crashed = false;
  vi.spyOn(client, 'send').mockImplementation((async (command: { constructor: { name: string } }) => {
    const out = await send(command);
    if (!crashed && command.constructor.name === 'TransactWriteCommand') {
      crashed = true;
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', name: 'TimeoutError' });
    }
    return out;
  }) as never);
  return { crashed: () => crashed };
}

const cases = [
  {
    name: 'createDeviceRequest (GEM counter, then the ticket transaction)',
    path: '/desk/tickets',
    body: () => ({
      deliveryAddress: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
      internalReference: `CR-${randomUUID().slice(0, 8)}`,
      phone: '+33612345678',
      apprentice: false,
    }),
    list: '/desk/tickets?limit=100',
    match: (item: Record<string, unknown>, body: Record<string, unknown>) => item.internalReference === body.internalReference,
  },
  {
    name: 'createAddress (address book)',
    path: '/account/addresses',
    body: () => ({ label: `Site ${randomUUID().slice(0, 8)}`, address: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' } }),
    list: '/account/addresses?limit=100',
    match: (item: Record<string, unknown>, body: Record<string, unknown>) => item.label === body.label,
  },
];

describe('a crash after the committed write, then the retry', () => {
  it.each(cases)('$name: one entity, and the retry answers the committed one', async ({ path, body: make, list, match }) => {
    const body = make();
    const key = randomUUID();
    const token = admin.tokens.accessToken;
    const fault = crashAfterNextTransaction();
    const first = await api.call('POST', path, { token, body, headers: { 'idempotency-key': key } });
    expect(fault.crashed()).toBe(true);
    expect(first.status, first.text).toBeGreaterThanOrEqual(500);
    expect(JSON.stringify(first.body)).not.toMatch(/socket hang up|ECONNRESET|\bat /);
    vi.restoreAllMocks();

    const retry = await api.call('POST', path, { token, body, headers: { 'idempotency-key': key } });
    expect(retry.status, retry.text).toBe(201);
    const again = await api.call('POST', path, { token, body, headers: { 'idempotency-key': key } });
    expect(again.body).toEqual(retry.body);

    const items = (await api.call('GET', list, { token })).body.items as Record<string, unknown>[];
    expect(items.filter((i) => match(i, body))).toHaveLength(1);
  });
});
