import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { createTestUser, signIn, uniqueEmail } from '#test/support/identity.ts';
import { mailTo, waitForMail } from '#test/support/mailbox.ts';
import { STRONG_PASSWORD, codeFromMailbox, signUpAndVerify } from '#test/support/onboarding.ts';
import { captureLogs } from '#test/support/logs.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const signUp = (email: string, over: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  api.call('POST', '/signup', { body: { email, password: STRONG_PASSWORD, name: 'Nadia Neu', locale: 'de', ...over }, headers });

describe('signup and email verification', () => {
  it('emails a 6-digit code in the user locale, and the verified account can sign in and is Basic', async () => {
    const email = uniqueEmail('neu-firma.example');
    const res = await signUp(email);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'verification_pending', message: expect.any(String) });
    const mail = await waitForMail(email);
    expect(mail.body.html).toContain('lang="de"');
    expect(mail.body.text).toMatch(/\b\d{6}\b/);

    // No identity exists before the code is proven: nothing can sign in.
    await expect(signIn(email, STRONG_PASSWORD)).rejects.toThrow();

    const code = await codeFromMailbox(email);
    const verified = await api.call('POST', '/signup/verify', { body: { email, code } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'verified', tier: 'basic' });

    const tokens = await signIn(email, STRONG_PASSWORD);
    const me = await api.call('GET', '/me', { token: tokens.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, name: 'Nadia Neu', locale: 'de', emailVerified: true, tier: 'basic', memberships: [] });
  });

  it('accepts a code only once', async () => {
    const email = uniqueEmail();
    await signUpAndVerify(api, email);
    const code = await codeFromMailbox(email);
    const again = await api.call('POST', '/signup/verify', { body: { email, code } });
    expect(again.status).toBe(400);
    expect(ErrorBody.parse(again.body).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_code', param: 'body.code' });
  });

  it('answers an existing address exactly like a new one, and tells its owner by email instead', async () => {
    const owner = await createTestUser();
    const fresh = uniqueEmail();
    const [existing, unknown] = await Promise.all([signUp(owner.email), signUp(fresh)]);
    expect(existing.status).toBe(unknown.status);
    expect(existing.body).toEqual(unknown.body);
    const notice = await waitForMail(owner.email);
    expect(notice.body.text).not.toMatch(/\b\d{6}\b/);
    expect(notice.subject).toMatch(/account/i);
  });

  it('makes a resend replace the code: the previous one stops working', async () => {
    const email = uniqueEmail();
    await signUp(email);
    const first = await codeFromMailbox(email);
    const since = Math.floor(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api.call('POST', '/signup/resend', { body: { email } })).status).toBe(202);
    const mails = async () => (await mailTo(email)).filter((m) => /\b\d{6}\b/.test(m.body.text ?? ''));
    await waitForMail(email, (m) => m.at > since);
    const second = /\b(\d{6})\b/.exec((await mails()).at(-1)?.body.text ?? '')?.[1] as string;
    if (first !== second) {
      expect((await api.call('POST', '/signup/verify', { body: { email, code: first } })).status).toBe(400);
    }
    expect((await api.call('POST', '/signup/verify', { body: { email, code: second } })).status).toBe(200);
  });

  it('burns the code after 5 wrong attempts, even when 50 guesses arrive at once', async () => {
    const email = uniqueEmail();
    await signUp(email);
    const code = await codeFromMailbox(email);
    const wrong = code === '000000' ? '111111' : '000000';
    const guesses = await Promise.all(Array.from({ length: 50 }, () => api.call('POST', '/signup/verify', { body: { email, code: wrong } })));
    expect(guesses.every((g) => g.status === 400)).toBe(true);
    // The right code no longer works: the 5 attempts are spent.
    expect((await api.call('POST', '/signup/verify', { body: { email, code } })).status).toBe(400);
  });

  it('limits sends to 5 an hour per address (429), for known and unknown addresses alike', async () => {
    const email = uniqueEmail();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.call('POST', '/signup/resend', { body: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    const res = await api.call('POST', '/signup/resend', { body: { email } });
    expect(ErrorBody.parse(res.body).error).toMatchObject({ type: 'rate_limit_error', code: 'too_many_codes' });
  });

  it('answers an unknown address on verify like a wrong code', async () => {
    const res = await api.call('POST', '/signup/verify', { body: { email: uniqueEmail(), code: '123456' } });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.code).toBe('invalid_code');
  });

  it.each([
    ['a short password', { password: 'short-pass1' }, 'body.password'],
    ['an invalid email', { email: 'not-an-email' }, 'body.email'],
    ['an email domain of more than 16 labels', { email: `deep@${'a.'.repeat(16)}example.com` }, 'body.email'],
    ['an unknown locale', { locale: 'xx' }, 'body.locale'],
    ['a non-E.164 phone', { phone: '06 12 34 56 78' }, 'body.phone'],
    ['an unknown field', { isAdmin: true }, 'body.isAdmin'],
  ])('rejects %s with a 400 and sends nothing', async (_n, over, param) => {
    const email = uniqueEmail();
    const res = await signUp(email, over);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.param).toBe(param);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailTo(email)).toHaveLength(0);
  });

  it('accepts a 64+ character password without truncating it', async () => {
    const email = uniqueEmail();
    const long = 'correct horse battery staple '.repeat(4) + 'END';
    await signUpAndVerify(api, email, { password: long });
    await expect(signIn(email, long.slice(0, 64))).rejects.toThrow();
    await expect(signIn(email, long)).resolves.toBeTruthy();
  });

  it('never stores the code or the password in clear', async () => {
    const email = uniqueEmail();
    await signUp(email, { password: 'my very secret passphrase' });
    const code = await codeFromMailbox(email);
    const { Items = [] } = await documentClient().send(new ScanCommand({ TableName: process.env.TABLE_NAME }));
    const dump = JSON.stringify(Items);
    expect(dump).not.toContain('my very secret passphrase');
    expect(dump).not.toMatch(new RegExp(`"${code}"`));
  });

  it('logs the requests but never the code or the password', async () => {
    const logs = captureLogs();
    try {
      const email = uniqueEmail();
      await signUp(email, { password: 'log-me-never passphrase' });
      const code = await codeFromMailbox(email);
      await api.call('POST', '/signup/verify', { body: { email, code: code === '000000' ? '111111' : '000000' } });
      await api.call('POST', '/signup/verify', { body: { email, code } });
      const text = logs.lines.join('\n');
      expect(logs.records().filter((r) => r.operationId === 'verifySignupCode').length).toBeGreaterThan(0);
      expect(text).not.toContain('log-me-never passphrase');
      expect(text).not.toMatch(new RegExp(`\\b${code}\\b`));
    } finally {
      logs.restore();
    }
  });

  it('signs up with 2 DynamoDB calls (one read, one transaction)', async () => {
    const { calls } = await countDynamoCalls(() => signUp(uniqueEmail()));
    expect(calls).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });
});
