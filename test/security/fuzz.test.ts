import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { safeParse } from 'zod/mini';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { routes } from '#shared/contracts/routes/index.ts';
import { type FuzzRequest, fuzzCases, schemaAccepts } from './fuzz-arbitraries.ts';
import { type Callers, STACK_TRACE, cachePrincipals, invoke, loadRouteHandler, ownTableWithCallers, pool, snapshotTable } from './fuzz-harness.ts';

/**
 * SECURITY.md "Fuzz every route with at least 1,000 valid and mutated inputs: 0 5xx, 0 stack traces, 0 writes
 * from rejected requests". Every route of the route table (so a new route is fuzzed, or fails here), through
 * its Lambda handler in process, against a table only this file uses (so "0 writes" is a whole-table
 * comparison). Valid inputs come from the route's own zod schemas and mostly address missing objects
 * (random ids), which keeps them cheap; mutated ones break them (prototype keys, CR/LF, wrong types,
 * unknown/missing fields, oversize bodies, wrong content types, malformed JSON, odd path/query/header values).
 * `FUZZ_RUNS` raises the count per route (default 1,000); `FUZZ_SEED` replays a run.
 */

// Before any module reads TABLE_NAME: this file's handlers and repositories use their own table.
const fuzzTable = vi.hoisted(() => {
  const name = `portal-fuzz-${process.pid}-${Date.now().toString(36)}`;
  const previous = process.env.TABLE_NAME;
  process.env.TABLE_NAME = name;
  return { name, previous };
});

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const CONCURRENCY = 12;
/** Time for a route's schema-valid inputs (at least MIN_VALID of them run); `FUZZ_VALID_MS` raises it. */
const VALID_BUDGET_MS = Number(process.env.FUZZ_VALID_MS ?? 300);
const MIN_VALID = 12;
/**
 * Writes a request that then fails may leave, with the reason. The desk's ticket-number counter is taken
 * before the ticket's idempotent write (SD-1 numbering): a request whose Idempotency-Key turns out to belong
 * to another body (422) burns a number, which leaves a gap in the sequence and nothing else.
 */
const TOLERATED_WRITES: Record<string, RegExp[]> = {
  createDeviceRequest: [/^UpdateItemCommand:DESK#INTAKE$/],
  // A wrong code counts an attempt (5 burn the code: SECURITY.md, an atomic conditional counter).
  verifySignupCode: [/^UpdateItemCommand:SIGNUP#/],
  confirmEmailChange: [/^UpdateItemCommand:USER#/],
};

let callers: Callers;
let endpoint: string;
const fuzzed = new Map<string, { cases: number; valid: number; rejected: number; statuses: Record<number, number>; ms: number }>();

beforeAll(async () => {
  endpoint = inject('stack').endpoints.dynamodb;
  callers = await ownTableWithCallers(endpoint, fuzzTable.name);
  cachePrincipals([callers.admin.userId, callers.basic.userId, callers.staff.userId]);
  // Load every handler once, outside the timed runs (a missing one fails its own route's test).
  await Promise.allSettled(routes.map(loadRouteHandler));
}, 120_000);

afterAll(() => {
  if (fuzzTable.previous === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = fuzzTable.previous;
  const rows = [...fuzzed].map(([op, s]) => `${op.padEnd(30)} ${String(s.cases).padStart(5)} cases (${s.valid} schema-valid, ${s.rejected} rejected) ${s.ms} ms ${JSON.stringify(s.statuses)}`);
  if (process.env.FUZZ_REPORT) console.log(rows.join('\n'));
});

/** Statuses a request the schemas refuse may get: 400/413/415, or 404 for a forged X-Org-Id (checked before the body). */
const REJECTIONS = new Set([400, 404, 413, 415]);

function checkResponse(route: RouteSpec, r: FuzzRequest, res: { status: number; body: string; headers: Record<string, string> }, failures: string[]) {
  const where = `${route.operationId} [${r.mutation}] ${JSON.stringify(r).slice(0, 300)}`;
  if (res.status >= 500) failures.push(`${res.status} on ${where}: ${res.body.slice(0, 200)}`);
  if (STACK_TRACE.test(res.body)) failures.push(`stack trace or internals in the body on ${where}: ${res.body.slice(0, 300)}`);
  if (!res.headers['x-request-id']) failures.push(`no x-request-id on ${where}`);
  if (res.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    if (!safeParse(ErrorBody, parsed).success) failures.push(`error body off the error model on ${where}: ${res.body.slice(0, 200)}`);
  }
}

describe('fuzzing every route of the route table', () => {
  const only = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
  it.each(routes.filter((r) => !only || only.test(r.operationId)).map((r) => [r.operationId, r] as const))(
    '%s: 0 5xx, 0 stack traces, 0 writes from rejected requests',
    async (operationId, route) => {
      const t0 = performance.now();
      const caller = callers.callerFor(route);
      const seed = SEED + hash(operationId);
      // 40 valid by construction (as far as the schemas go), the rest mutations of them.
      const cases = fuzzCases(route, RUNS, seed);
      const accepted = cases.filter((c) => schemaAccepts(route, c));
      let refused = cases.filter((c) => !schemaAccepts(route, c));
      const failures: string[] = [];
      const statuses: Record<number, number> = {};
      const count = (status: number) => (statuses[status] = (statuses[status] ?? 0) + 1);

      // 1. What the schemas accept: anything but a 5xx, and a request that ends in an error wrote nothing. These
      //    reach the domain and the table (a code hashed with scrypt, an S3 presign...): past VALID_BUDGET_MS the
      //    rest are replaced by more mutated inputs, so every route still gets RUNS inputs within the budget.
      const validStart = performance.now();
      const ran: FuzzRequest[] = [];
      await pool(accepted, CONCURRENCY, async (c, i) => {
        if (ran.length >= MIN_VALID && performance.now() - validStart > VALID_BUDGET_MS) return;
        ran.push(c);
        const res = await invoke(route, c, caller, `198.51.100.${i % 250}`);
        count(res.status);
        checkResponse(route, c, res, failures);
        const writes = res.writes.filter((w) => !(TOLERATED_WRITES[operationId] ?? []).some((t) => t.test(w)));
        if (res.status >= 400 && writes.length > 0) failures.push(`${operationId}: ${res.status} after writing ${writes.join(',')} [${c.mutation}]`);
      });
      if (ran.length + refused.length < RUNS) {
        const more = fuzzCases(route, 4 * (RUNS - ran.length - refused.length) + 50, seed + 2, 10).filter((c) => !schemaAccepts(route, c));
        refused = [...refused, ...more.slice(0, RUNS - ran.length - refused.length)];
      }

      // 2. What the schemas refuse: a 4xx every time, and the table unchanged (whole-table comparison).
      const before = await snapshotTable(fuzzTable.name, endpoint);
      await pool(refused, CONCURRENCY, async (c, i) => {
        // Distinct source IPs: per-IP send limits must not turn these into 429s that hide a missed rejection.
        const res = await invoke(route, c, caller, `203.0.113.${i % 250}`);
        count(res.status);
        checkResponse(route, c, res, failures);
        if (!REJECTIONS.has(res.status)) failures.push(`${operationId}: the schemas refuse [${c.mutation}] but the handler answered ${res.status}: ${JSON.stringify(c).slice(0, 300)}`);
        if (res.writes.length > 0) failures.push(`${operationId}: rejected [${c.mutation}] wrote ${res.writes.join(',')}`);
      });
      const after = await snapshotTable(fuzzTable.name, endpoint);
      expect(after.filter((x) => !before.includes(x)), `${operationId}: requests the schemas refuse changed the table`).toEqual([]);
      expect(after.length).toBe(before.length);

      const total = ran.length + refused.length;
      fuzzed.set(operationId, { cases: total, valid: ran.length, rejected: refused.length, statuses, ms: Math.round(performance.now() - t0) });
      expect(failures.slice(0, 5), `${failures.length} failures`).toEqual([]);
      expect(total).toBeGreaterThanOrEqual(RUNS);
      // The generator must reach the handler's logic, not only its parsing.
      expect(accepted.length, `${operationId}: too few schema-valid cases (the generator misses this route's schemas)`).toBeGreaterThanOrEqual(Math.min(MIN_VALID, Math.floor(RUNS / 20)));
    },
    90_000,
  );

  it.skipIf(only)('covers every route of the route table', () => {
    expect([...fuzzed.keys()].sort()).toEqual(routes.map((r) => r.operationId).sort());
  });
});

function hash(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return Math.abs(h);
}
