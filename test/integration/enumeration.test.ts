import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { handler as signUp } from '#functions/onboarding/sign-up.ts';
import { handler as resend } from '#functions/onboarding/resend-signup-code.ts';
import { handler as verify } from '#functions/onboarding/verify-signup-code.ts';
import { handler as forgot } from '#functions/onboarding/request-password-reset.ts';
import { apiEvent } from '#test/builders/events.ts';
import { createTestUser, uniqueEmail } from '#test/support/identity.ts';

/**
 * ASVS 6.3.8 / SECURITY.md: signup, resend, verify and forgot-password answer the same status, body shape and
 * (median over 200 calls) latency within 5 ms for existing and unknown emails. Calls go straight to the
 * handlers, each from its own source address so the per-network cap stays out of the measurement, and
 * existing/unknown calls alternate so machine noise hits both sides alike.
 */
const N = 200;
const ctx = {} as Context;
let ip = 0;
const nextIp = () => `198.18.${(++ip >> 8) & 255}.${ip & 255}`;

type Handler = (e: ReturnType<typeof apiEvent>, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;

function call(h: Handler, path: string, body: unknown) {
  const event = apiEvent({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  event.requestContext.http.sourceIp = nextIp();
  return h(event, ctx);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2;
};
const shape = (body: string | undefined) => JSON.stringify(Object.keys(JSON.parse(body ?? '{}')).sort());

async function compare(h: Handler, path: string, existing: (i: number) => unknown, unknown: (i: number) => unknown) {
  const times = { existing: [] as number[], unknown: [] as number[] };
  const statuses = new Set<string>();
  const bodies = new Set<string>();
  // A few warm-up calls: the first calls pay for connection set-up and JIT.
  for (let i = 0; i < 5; i++) await call(h, path, unknown(1000 + i));
  for (let i = 0; i < N; i++) {
    for (const side of i % 2 === 0 ? (['existing', 'unknown'] as const) : (['unknown', 'existing'] as const)) {
      const t0 = performance.now();
      const res = await call(h, path, side === 'existing' ? existing(i) : unknown(i));
      times[side].push(performance.now() - t0);
      statuses.add(`${side}:${res.statusCode}`);
      bodies.add(`${side}:${res.statusCode === 400 ? res.body : shape(res.body)}`);
    }
  }
  return { times, statuses, bodies, delta: Math.abs(median(times.existing) - median(times.unknown)) };
}

function expectIndistinguishable(r: Awaited<ReturnType<typeof compare>>, status: number, name: string) {
  console.info(`enumeration ${name}: median existing ${median(r.times.existing).toFixed(2)} ms, unknown ${median(r.times.unknown).toFixed(2)} ms, delta ${r.delta.toFixed(2)} ms over ${N} calls each`);
  expect([...r.statuses].sort()).toEqual([`existing:${status}`, `unknown:${status}`]);
  const byBody = [...r.bodies].map((b) => b.split(':').slice(1).join(':'));
  expect(new Set(byBody).size).toBe(1);
  expect(r.delta, `median existing ${median(r.times.existing).toFixed(2)} ms vs unknown ${median(r.times.unknown).toFixed(2)} ms`).toBeLessThan(5);
}

describe('no account enumeration', { timeout: 180_000 }, () => {
  it('signUp: existing and unknown emails are indistinguishable (status, body, median latency)', async () => {
    const owners = await Promise.all(
      Array.from({ length: N }, async () => {
        const email = uniqueEmail('enum-existing.example');
        const now = new Date().toISOString();
        await directory.putProfile({ userId: `u-${email}`, email, name: 'Owner', locale: 'en', emailVerified: true, status: 'active', tier: 'basic', createdAt: now, updatedAt: now });
        return email;
      }),
    );
    const body = (email: string) => ({ email, password: 'a long enough passphrase 42', name: 'Probe', locale: 'en' });
    const r = await compare(signUp as Handler, '/signup', (i) => body(owners[i] as string), () => body(uniqueEmail('enum-unknown.example')));
    expectIndistinguishable(r, 202, 'signUp');
  });

  it('resendSignupCode: existing and unknown emails are indistinguishable', async () => {
    const owner = await createTestUser();
    // The per-address limits (5 an hour) would turn the existing side into 429s: spread over distinct owners.
    const owners = [owner.email, ...Array.from({ length: N }, () => uniqueEmail('enum-existing.example'))];
    await Promise.all(owners.slice(1).map((email) => directory.putProfile({ userId: `u-${email}`, email, name: 'Owner', locale: 'en', emailVerified: true, status: 'active', tier: 'basic', createdAt: 'x', updatedAt: 'x' })));
    const r = await compare(resend as Handler, '/signup/resend', (i) => ({ email: owners[i] }), () => ({ email: uniqueEmail('enum-unknown.example') }));
    expectIndistinguishable(r, 202, 'resendSignupCode');
  });

  it('verifySignupCode: a pending signup with a wrong code and an unknown email are indistinguishable', async () => {
    const pending = Array.from({ length: N / 4 }, () => uniqueEmail('enum-pending.example'));
    for (const email of pending) await call(signUp as Handler, '/signup', { email, password: 'a long enough passphrase 42', name: 'P', locale: 'en' });
    // 4 wrong guesses per pending signup stay under the 5-attempt burn, so every existing-side call compares.
    const r = await compare(verify as Handler, '/signup/verify', (i) => ({ email: pending[i % pending.length], code: '000000' }), () => ({ email: uniqueEmail('enum-unknown.example'), code: '000000' }));
    expectIndistinguishable(r, 400, 'verifySignupCode');
  });

  it('requestPasswordReset: existing and unknown emails are indistinguishable', async () => {
    const users = await Promise.all(Array.from({ length: N / 4 }, () => createTestUser()));
    const r = await compare(forgot as Handler, '/password/forgot', (i) => ({ email: users[i % users.length]?.email }), () => ({ email: uniqueEmail('enum-unknown.example') }));
    expectIndistinguishable(r, 202, 'requestPasswordReset');
  });
});
