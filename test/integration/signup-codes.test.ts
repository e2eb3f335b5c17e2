import { describe, expect, it } from 'vitest';
import { cognitoIdentityProvider } from '#shared/adapters/cognito/identity-provider.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { listDomainClassifier } from '#shared/adapters/domains/lists.ts';
import { dynamoSignupStore } from '#shared/adapters/dynamodb/repositories/onboarding.ts';
import { dynamoVerifyStore } from '#shared/adapters/dynamodb/repositories/signup-verify.ts';
import { RateLimitedError, ValidationError } from '#shared/domain/errors.ts';
import { resendSignupCode, signUp, verifySignupCode } from '#shared/domain/onboarding/signup.ts';
import { systemIds } from '#shared/lib/ids.ts';
import { uniqueEmail } from '#test/support/identity.ts';
import { mailTo } from '#test/support/mailbox.ts';
import { codeFromMailbox } from '#test/support/onboarding.ts';

/** The signup use cases with the real stores, Cognito and mailbox, and a clock the test moves. */
async function harness(start = new Date('2026-11-23T09:00:00.000Z')) {
  let now = start;
  const clock = { now: () => now };
  const sealer = await getSealer();
  const send = { store: dynamoSignupStore({ sealer, ids: systemIds, clock }), sealer, clock, ids: systemIds };
  const verify = { store: dynamoVerifyStore, identity: cognitoIdentityProvider(), sealer, classifier: listDomainClassifier, clock };
  return {
    at: (ms: number) => (now = new Date(start.getTime() + ms)),
    signUp: (email: string, ip = '192.0.2.1') => signUp({ email, password: 'a long enough passphrase 42', name: 'Clock Test', locale: 'sv', sourceIp: ip }, send),
    resend: (email: string, ip = '192.0.2.1') => resendSignupCode({ email, sourceIp: ip }, send),
    verify: (email: string, code: string) => verifySignupCode({ email, code }, verify),
  };
}

const MIN = 60_000;

describe('signup code rules (fake clock, real stores)', () => {
  it('accepts the code at 9:59 after it was sent', async () => {
    const h = await harness();
    const email = uniqueEmail();
    await h.signUp(email);
    const code = await codeFromMailbox(email);
    h.at(9 * MIN + 59_000);
    await expect(h.verify(email, code)).resolves.toMatchObject({ status: 'verified' });
  });

  it('rejects the same code at 10:00', async () => {
    const h = await harness();
    const email = uniqueEmail();
    await h.signUp(email);
    const code = await codeFromMailbox(email);
    h.at(10 * MIN);
    await expect(h.verify(email, code)).rejects.toThrow(ValidationError);
  });

  it('binds a code to its own signup: it does not validate another address', async () => {
    const h = await harness();
    const a = uniqueEmail();
    const b = uniqueEmail();
    await h.signUp(a);
    await h.signUp(b);
    const codeA = await codeFromMailbox(a);
    const codeB = await codeFromMailbox(b);
    if (codeA !== codeB) await expect(h.verify(b, codeA)).rejects.toThrow(ValidationError);
    await expect(h.verify(a, codeA)).resolves.toMatchObject({ status: 'verified' });
  });

  it('gives a resent code a fresh 10 minutes and 5 fresh attempts', async () => {
    const h = await harness();
    const email = uniqueEmail();
    await h.signUp(email);
    for (let i = 0; i < 4; i++) await expect(h.verify(email, '999999')).rejects.toThrow(ValidationError);
    h.at(9 * MIN);
    await h.resend(email);
    const mails = async () => (await mailTo(email)).length;
    for (let i = 0; i < 50 && (await mails()) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const latest = /\b(\d{6})\b/.exec((await mailTo(email)).sort((x, y) => x.at - y.at).at(-1)?.body.text ?? '')?.[1] as string;
    h.at(18 * MIN);
    await expect(h.verify(email, latest)).resolves.toMatchObject({ status: 'verified' });
  });

  it('allows at most 10 sends a day per address, even spread over hours', async () => {
    const h = await harness(new Date('2026-11-23T00:05:00.000Z'));
    const email = uniqueEmail();
    await h.signUp(email);
    for (let i = 1; i < 10; i++) {
      h.at(i * 60 * MIN);
      await h.resend(email, `192.0.2.${i}`);
    }
    h.at(11 * 60 * MIN);
    await expect(h.resend(email, '192.0.2.99')).rejects.toThrow(RateLimitedError);
  });

  it('caps sends per client address an hour, across email addresses', async () => {
    const h = await harness(new Date('2026-11-23T05:00:00.000Z'));
    const ip = '203.0.113.77';
    for (let i = 0; i < 30; i++) await h.resend(uniqueEmail(), ip);
    await expect(h.resend(uniqueEmail(), ip)).rejects.toThrow(RateLimitedError);
    h.at(60 * MIN);
    await expect(h.resend(uniqueEmail(), ip)).resolves.toBeTruthy();
  });

  it('evaluates at most 5 of 50 parallel guesses: the attempt counter is atomic', async () => {
    const h = await harness();
    const email = uniqueEmail();
    await h.signUp(email);
    const attempts = await Promise.all(Array.from({ length: 50 }, () => dynamoVerifyStore.registerAttempt(email, new Date('2026-11-23T09:01:00.000Z'), 5)));
    expect(attempts.filter(Boolean)).toHaveLength(5);
  });
});
