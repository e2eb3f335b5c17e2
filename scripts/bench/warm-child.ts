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

async function timeCalls(v: Variant, n: number): Promise<number> {
  const f = calls[v];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await f();
  return Number(process.hrtime.bigint() - t0) / 1000 / n;
}

process.on('uncaughtException', (e) => {
  process.send?.({ error: String(e) });
  process.exit(1);
});
const rounds = Number(process.argv[2] ?? 25);
const perRound = Number(process.argv[3] ?? 2000);
// Sanity and warm-up: the valid call answers 200, the invalid one 400.
const [okRes, badRes] = [await calls.valid(), await calls.invalid()];
if (okRes.statusCode !== 200 || badRes.statusCode !== 400) throw new Error(`unexpected statuses ${okRes.statusCode} / ${badRes.statusCode}: ${badRes.body}`);
for (const v of ['bare', 'valid', 'invalid'] as const) await timeCalls(v, perRound);

const samples: Record<Variant, number[]> = { bare: [], valid: [], invalid: [] };
for (let r = 0; r < rounds; r++) {
  const order: Variant[] = r % 3 === 0 ? ['bare', 'valid', 'invalid'] : r % 3 === 1 ? ['valid', 'invalid', 'bare'] : ['invalid', 'bare', 'valid'];
  for (const v of order) samples[v].push(await timeCalls(v, perRound));
}
process.send?.({ rounds, perRound, samples });
