import type { Context } from 'aws-lambda';
import { updateProfile } from '#shared/contracts/routes/account.ts';
import { type ApiEvent, type ApiResult, createRouteHandler } from '#shared/http/route-handler.ts';
import { accessClaims, apiEvent, memoryPrincipals, profile } from '#test/builders/events.ts';

/**
 * Warm per-call overhead of the middleware stack (run by scripts/bench/warm.ts in its own process, its logs
 * into /dev/null): a bare async handler against the same route (`updateProfile`: a signed-in
 * user, a JSON body, strict zod validation) through createRouteHandler, with an in-memory principal store so
 * that only the middleware is measured, with a valid and with an invalid body (400). Interleaved rounds.
 */
const user = profile();
const principals = memoryPrincipals([{ profile: user }]);
const body = { name: 'Léa Martin', phone: '+33612345678', locale: 'fr' };
const response = { status: 200 as const, body: { userId: user.userId } };

const event = (payload: unknown) =>
  apiEvent({ method: 'PATCH', path: '/account/profile', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), claims: accessClaims(user.userId) });
const validEvent = event(body);
const invalidEvent = event({ ...body, colour: 'blue' });
const context = {} as Context;

const bare = async (e: ApiEvent): Promise<ApiResult> => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: e.requestContext.requestId }) });
// The implementation returns a fixed answer: the use case is not what is measured.
const wrapped = createRouteHandler(updateProfile, { principals })(async () => response as never);

type Variant = 'bare' | 'valid' | 'invalid';
const calls: Record<Variant, () => Promise<ApiResult>> = {
  bare: () => bare({ ...validEvent }),
  valid: () => wrapped({ ...validEvent }, context),
  invalid: () => wrapped({ ...invalidEvent }, context),
};

/** Wall time per call (us); the CPU time of the round (user + system, all threads) goes to `cpuSamples`. */
async function timeCalls(v: Variant, n: number, cpuSamples?: number[]): Promise<number> {
  const f = calls[v];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  const wall = Number(process.hrtime.bigint() - t0) / 1000 / n;
  const cpu = process.cpuUsage(cpu0);
  cpuSamples?.push((cpu.user + cpu.system) / n);
  return wall;
}

process.on('uncaughtException', (e) => {
  process.send?.({ error: String(e) });
  process.exit(1);
});
const rounds = Number(process.argv[2] ?? 25);
const perRound = Number(process.argv[3] ?? 2000);
// Sanity and warm-up: the valid call answers 200 with the implementation's body, the invalid one the 400 that
// names the unknown field (so a faster path cannot be one that skips the work).
const [okRes, badRes] = [await calls.valid(), await calls.invalid()];
if (okRes.statusCode !== 200 || badRes.statusCode !== 400) throw new Error(`unexpected statuses ${okRes.statusCode} / ${badRes.statusCode}: ${badRes.body}`);
const badError = (JSON.parse(badRes.body ?? '{}') as { error?: { code?: string; param?: string } }).error;
if (okRes.body !== JSON.stringify(response.body) || badError?.code !== 'unknown_field' || badError.param !== 'body.colour') {
  throw new Error(`unexpected bodies ${okRes.body} / ${badRes.body}`);
}
for (const v of ['bare', 'valid', 'invalid'] as const) await timeCalls(v, perRound);

const samples: Record<Variant, number[]> = { bare: [], valid: [], invalid: [] };
// CPU time per call beside the wall time: on a shared machine the wall time also counts the time other
// processes hold the core, the CPU time does not.
const cpuSamples: Record<Variant, number[]> = { bare: [], valid: [], invalid: [] };
for (let r = 0; r < rounds; r++) {
  const order: Variant[] = r % 3 === 0 ? ['bare', 'valid', 'invalid'] : r % 3 === 1 ? ['valid', 'invalid', 'bare'] : ['invalid', 'bare', 'valid'];
  for (const v of order) samples[v].push(await timeCalls(v, perRound, cpuSamples[v]));
}
process.send?.({ rounds, perRound, samples, cpuSamples });
