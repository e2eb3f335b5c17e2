import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { type TestUser, createTestOrg, createTestUser, signIn, uniqueEmail } from '#test/support/identity.ts';
import { type CapturedLogs, captureLogs } from '#test/support/logs.ts';
import { STRONG_PASSWORD, codeFromMailbox } from '#test/support/onboarding.ts';

/**
 * SECURITY.md "Logs": after a signup -> verify -> sign in -> ticket -> billing run, the handlers' logs hold no
 * password, code, token or card data; every authentication, authorization and validation failure is one
 * structured event; CR/LF in input cannot forge a log line. The local API runs the handlers in this worker,
 * so captureLogs sees every line they print.
 */

let api: TestApi;
let org: Org;
let buyer: TestUser;
let finance: TestUser;
let basic: TestUser;
let staff: TestUser;
let logs: CapturedLogs;
const secrets: string[] = [];
const FORGED = 'forged-by-the-client';

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg();
  [buyer, finance, basic, staff] = await Promise.all([
    createTestUser({ org: { org, role: 'buyer' }, tier: 'enterprise' }),
    createTestUser({ org: { org, role: 'finance' }, tier: 'enterprise' }),
    createTestUser({ tier: 'basic' }),
    createTestUser({ staff: true }),
  ]);
  logs = captureLogs();

  // Signup -> code -> verify -> sign in.
  const email = uniqueEmail();
  expect((await api.call('POST', '/signup', { body: { email, password: STRONG_PASSWORD, name: 'Log Check', locale: 'en' } })).status).toBe(202);
  const code = await codeFromMailbox(email);
  expect((await api.call('POST', '/signup/verify', { body: { email, code: code === '000000' ? '111111' : '000000' } })).status).toBe(400);
  expect((await api.call('POST', '/signup/verify', { body: { email, code } })).status).toBe(200);
  const tokens = await signIn(email, STRONG_PASSWORD);
  secrets.push(STRONG_PASSWORD, code, tokens.accessToken, tokens.idToken, tokens.refreshToken, buyer.tokens.accessToken, finance.tokens.accessToken, staff.tokens.accessToken);
  expect((await api.call('GET', '/me', { token: tokens.accessToken })).status).toBe(200);

  // A ticket (SD-1), with a log-forging comment.
  const ticket = await api.call('POST', '/desk/tickets', {
    token: buyer.tokens.accessToken,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      deliveryAddress: { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
      phone: '+33612345678',
      apprentice: false,
      comment: `ok\n{"level":"ERROR","message":"${FORGED}"}\r\n`,
    },
  });
  expect(ticket.status, ticket.text).toBe(201);

  // The ticket ships (staff), the daily batch invoices it (BI-2), the invoice's PDF (BI-1).
  const move = (body: unknown) => api.call('POST', `/staff/tickets/${ticket.body.ticketId}/transitions`, { token: staff.tokens.accessToken, body });
  expect((await move({ to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 5450' })).status).toBe(200);
  expect((await move({ to: 'ready_to_bill', expectedVersion: 2, shipDate: new Date().toISOString().slice(0, 10), serialNumbers: ['CN-LOG-2026'] })).status).toBe(200);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
  const run = await runInvoiceBatch(
    { date: today, orgIds: [org.orgId] },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(undefined), clock: { now: () => new Date() }, timeZone: 'Europe/Paris' },
  );
  expect(run.invoicesIssued).toBe(1);
  const invoices = await api.call('GET', '/billing/invoices', { token: finance.tokens.accessToken });
  const invoiceId = invoices.body.items[0].invoiceId as string;
  expect((await api.call('GET', `/billing/invoices/${invoiceId}/pdf`, { token: finance.tokens.accessToken })).status).toBe(200);

  // Payment (BI-3): a card token, a card number (refused), a payment on a missing invoice, then the real one.
  const card = '4242424242424242';
  secrets.push(card);
  const post = (path: string, body: unknown) => api.call('POST', path, { token: finance.tokens.accessToken, headers: { 'idempotency-key': randomUUID() }, body });
  const pm = await post('/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' });
  expect(pm.status).toBe(201);
  expect((await post('/billing/payment-methods', { token: card, billingCountry: 'FR' })).status).toBe(400);
  expect((await post('/billing/invoices/inv_00000000000000000000/payments', { paymentMethodId: 'pm_00000000000000000000' })).status).toBeGreaterThanOrEqual(400);
  const paid = await post(`/billing/invoices/${invoiceId}/payments`, { paymentMethodId: pm.body.paymentMethodId });
  expect(paid.status, paid.text).toBe(201);
}, 60_000);

afterAll(async () => {
  logs?.restore();
  await api?.close();
});

describe('logs', () => {
  it('are one JSON object per line, and hold no password, code, token or card number', () => {
    const records = logs.records();
    expect(records.length).toBeGreaterThan(10);
    const all = logs.lines.join('\n');
    for (const secret of secrets) expect(all.includes(secret), `a secret (${secret.slice(0, 4)}...) reached the logs`).toBe(false);
    // Nothing that looks like a JWT or a card number, whatever its origin.
    expect(all).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(all).not.toMatch(/\b(?:\d[ -]?){13,19}\b/);
  });

  it('log every authentication, authorization and validation failure as a structured event', async () => {
    const before = logs.lines.length;
    const idToken = await api.call('GET', '/me', { token: buyer.tokens.idToken });
    const forbidden = await api.call('GET', '/desk/tickets', { token: basic.tokens.accessToken });
    const foreignOrg = await api.call('GET', '/account', { token: buyer.tokens.accessToken, headers: { 'x-org-id': 'org_doesnotexist0000' } });
    const invalid = await api.call('POST', '/me/email-change', { token: buyer.tokens.accessToken, body: { newEmail: 'not an email' } });
    const unknown = await api.call('PATCH', '/account/profile', { token: buyer.tokens.accessToken, body: { isStaff: true } });
    expect([idToken.status, forbidden.status, foreignOrg.status, invalid.status, unknown.status]).toEqual([401, 403, 404, 400, 400]);
    const events = logs.records().slice(before);
    const find = (message: string, status: number, requestId: string | null) => events.find((e) => e.message === message && e.status === status && e.requestId === requestId);
    for (const [message, status, res] of [
      ['authentication failed', 401, idToken],
      ['authorization failed', 403, forbidden],
      ['authorization failed', 404, foreignOrg],
      ['request rejected', 400, invalid],
      ['request rejected', 400, unknown],
    ] as const) {
      const event = find(message, status, res.headers.get('x-request-id'));
      expect(event, `${message} ${status}: ${JSON.stringify(events.filter((e) => e.requestId === res.headers.get('x-request-id')))} of ${events.length}`).toBeDefined();
      expect(event).toMatchObject({ level: 'WARN', errorCode: res.body.error.code, operationId: expect.any(String) });
    }
  });

  it('cannot be forged with CR/LF in input', async () => {
    const before = logs.lines.length;
    const crlf = `x\r\n{"level":"ERROR","message":"${FORGED}"}`;
    await api.call('PATCH', '/account/profile', { token: buyer.tokens.accessToken, body: { [crlf]: 1 } });
    await api.call('GET', `/desk/tickets?${encodeURIComponent(crlf)}=1`, { token: buyer.tokens.accessToken });
    await api.call('POST', '/me/email-change', { token: buyer.tokens.accessToken, body: { newEmail: crlf } });
    await api.call('POST', '/signup', { body: { email: `a@b.example`, password: crlf, name: crlf, locale: 'en' } });
    // Every line (from the whole run, the ticket comment included) parses alone, and none is the forged record.
    const lines = logs.lines.flatMap((l) => l.split('\n')).filter((l) => l.trim());
    for (const line of lines) expect(() => JSON.parse(line), line.slice(0, 200)).not.toThrow();
    expect(logs.records().filter((r) => r.message === FORGED)).toEqual([]);
    expect(logs.lines.length).toBeGreaterThan(before);
  });
});
