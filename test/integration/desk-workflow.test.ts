import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { Expr, updateItem } from '#shared/adapters/dynamodb/commands.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { markTicketBilled } from '#shared/domain/desk/workflow.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';
import { mailTo, waitForMail } from '#test/support/mailbox.ts';

/** SD-2 statuses moved by staff: allowed edges, optimistic locking, prerequisites, history and emails. */

let api: TestApi;
let org: Org;
let staff: TestUser;
let requester: TestUser;
let admin: TestUser;

async function setProfile(userId: string, locale: 'en' | 'fr' | 'de' | 'sv' | 'ja', name: string) {
  await updateItem(keys.user(userId), new Expr().set({ locale, name }));
}

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg({ kind: 'partner' });
  [staff, requester, admin] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'buyer' }, tier: 'partner' }),
    createTestUser({ org: { org, role: 'site_admin' }, tier: 'partner' }),
  ]);
  await setProfile(requester.userId, 'fr', 'Élodie Bernard');
});
afterAll(() => api.close());

const request = (over: Record<string, unknown> = {}) => ({
  deliveryAddress: { recipient: 'Élodie Bernard', line1: '3 place Bellecour', postalCode: '69002', city: 'Lyon', country: 'FR' },
  phone: '+33612345678',
  apprentice: false,
  ...over,
});

async function newTicket(user: TestUser = requester, over: Record<string, unknown> = {}) {
  const res = await api.call('POST', '/desk/tickets', { token: user.tokens.accessToken, body: request(over), headers: { 'idempotency-key': randomUUID() } });
  expect(res.status, res.text).toBe(201);
  return res.body as { ticketId: string; reference: string; version: number };
}

const transition = (ticketId: string, body: Record<string, unknown>, user: TestUser = staff) =>
  api.call('POST', `/staff/tickets/${ticketId}/transitions`, { token: user.tokens.accessToken, body });

const toShip = (t: { ticketId: string }, version = 1, extra: Record<string, unknown> = {}) =>
  transition(t.ticketId, { to: 'ready_to_ship', expectedVersion: version, deviceModel: 'Latitude 5450', ...extra });

const today = () => new Date().toISOString().slice(0, 10);

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('transitionTicket (SD-2)', () => {
  it('moves Review -> Ready to ship -> Ready to bill, records each change in the history and emails the requester in their locale', async () => {
    const t = await newTicket();
    const { result: shipped, calls } = await countDynamoCalls(() => toShip(t, 1, { note: 'Livraison jeudi.' }));
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body).toMatchObject({ status: 'ready_to_ship', version: 2, deviceModel: 'Latitude 5450', requester: { email: requester.email } });
    // principal, the ticket by id (gsi1), one transaction (ticket, list entry, intake gauge, opt-out check, outbox)
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    const mail = await waitForMail(requester.email, (m) => m.subject.includes(t.reference));
    expect(mail.subject).toContain(t.reference);
    expect(mail.subject).toContain('Prêt pour l’envoi');
    expect(mail.body.text).toContain('Élodie Bernard');
    expect(mail.body.text).toContain('Livraison jeudi.');

    const billed = await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['SN-1001', 'SN-1002'] });
    expect(billed.status, billed.text).toBe(200);
    expect(billed.body).toMatchObject({ status: 'ready_to_bill', version: 3, shipDate: today(), serialNumbers: ['SN-1001', 'SN-1002'], deviceModel: 'Latitude 5450' });
    expect(billed.body.history.map((h: { from?: string; to: string; by: { role: string } }) => [h.from, h.to, h.by.role])).toEqual([
      [undefined, 'review', 'requester'],
      ['review', 'ready_to_ship', 'staff'],
      ['ready_to_ship', 'ready_to_bill', 'staff'],
    ]);
    expect(billed.body.history[1].note).toBe('Livraison jeudi.');
    await waitForMail(requester.email, (m) => m.subject.includes(t.reference) && m.subject.includes('Prêt pour la facturation'));

    // The requester's views follow: the detail, and the list entry's status.
    const mine = await api.call('GET', `/desk/tickets/${t.ticketId}`, { token: requester.tokens.accessToken });
    expect(mine.body).toMatchObject({ status: 'ready_to_bill', version: 3 });
    expect(mine.body.history[1].by).toEqual({ role: 'staff', name: 'Test User' });
    const list = await api.call('GET', '/desk/tickets?status=ready_to_bill', { token: requester.tokens.accessToken });
    expect(list.body.items.map((x: { ticketId: string }) => x.ticketId)).toContain(t.ticketId);
  });

  it('answers 409 to a stale expectedVersion, and of 50 concurrent changes from one version exactly one succeeds', async () => {
    const t = await newTicket(admin);
    expectError(await toShip(t, 7), 409, 'version_conflict', 'body.expectedVersion');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => toShip(t, 1, { note: `attempt ${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(49);
    for (const r of conflicts) expect(r.body.error.code).toBe('version_conflict');
    const after = await api.call('GET', `/staff/tickets/${t.ticketId}`, { token: staff.tokens.accessToken });
    expect(after.body).toMatchObject({ status: 'ready_to_ship', version: 2 });
    expect(after.body.history).toHaveLength(2);
  });

  it('answers 409 to anything but the next status, and to the edges the system takes', async () => {
    const t = await newTicket(admin);
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 1, shipDate: today(), serialNumbers: ['A1'], deviceModel: 'X' }), 409, 'transition_not_allowed', 'body.to');
    expectError(await transition(t.ticketId, { to: 'review', expectedVersion: 1 }), 409, 'transition_not_allowed');
    expectError(await transition(t.ticketId, { to: 'queued', expectedVersion: 1 }), 409, 'transition_not_allowed');
    expect((await toShip(t)).status).toBe(200);
    expectError(await transition(t.ticketId, { to: 'review', expectedVersion: 2 }), 409, 'transition_not_allowed');
    expect((await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['A1'] })).status).toBe(200);
    const paid = await transition(t.ticketId, { to: 'billed', expectedVersion: 3 });
    expectError(paid, 409, 'transition_not_allowed');
    expect(paid.body.error.message).toContain('automatically');
  });

  it('needs the device model for Ready to ship, and ship date and serial numbers for Ready to bill (422)', async () => {
    const t = await newTicket(admin);
    expectError(await transition(t.ticketId, { to: 'ready_to_ship', expectedVersion: 1 }), 422, 'device_model_required', 'body.deviceModel');
    expect((await toShip(t)).status).toBe(200);
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, serialNumbers: ['A1'] }), 422, 'ship_date_required', 'body.shipDate');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today() }), 422, 'serial_numbers_required', 'body.serialNumbers');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: '2999-01-01', serialNumbers: ['A1'] }), 422, 'ship_date_in_future', 'body.shipDate');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: '2001-01-01', serialNumbers: ['A1'] }), 422, 'ship_date_before_request', 'body.shipDate');
    // Fields that belong to another step, malformed values, duplicates: 400.
    expectError(await transition(t.ticketId, { to: 'ready_to_ship', expectedVersion: 2, shipDate: today() }), 400, 'field_not_allowed', 'body.shipDate');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['A1', 'A1'] }), 400, 'invalid_field', 'body.serialNumbers');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['bad serial!'] }), 400, 'invalid_field', 'body.serialNumbers.0');
    expectError(await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 0 }), 400, 'invalid_field', 'body.expectedVersion');
    const current = await api.call('GET', `/staff/tickets/${t.ticketId}`, { token: staff.tokens.accessToken });
    expect(current.body).toMatchObject({ status: 'ready_to_ship', version: 2 });
  });

  it('records the change but sends no email to a requester who opted out of ticket emails', async () => {
    const quiet = await createTestUser({ org: { org, role: 'buyer' }, tier: 'partner' });
    await api.call('PUT', '/desk/preferences', { token: quiet.tokens.accessToken, body: { ticketEmails: false } });
    const t = await newTicket(quiet);
    const { result: res, calls } = await countDynamoCalls(() => toShip(t));
    expect(res.status, res.text).toBe(200);
    // The opt-out is checked inside the transaction; a refused check re-runs it without the email.
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand', 'TransactWriteItemsCommand']);
    expect(res.body.history).toHaveLength(2);
    // A later change for someone who did not opt out is delivered, so the consumer has run past this one.
    const loud = await newTicket();
    await toShip(loud);
    await waitForMail(requester.email, (m) => m.subject.includes(loud.reference));
    expect(await mailTo(quiet.email)).toEqual([]);
  });

  it('lets only vendor staff move tickets, and answers 404 for an unknown ticket', async () => {
    const t = await newTicket();
    expectError(await transition(t.ticketId, { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'X' }, admin), 403, 'staff_only');
    expectError(await transition(t.ticketId, { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'X' }, requester), 403, 'staff_only');
    expectError(await transition('tkt_00000000000000000000', { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'X' }), 404, 'ticket_not_found', 'path.ticketId');
    expectError(await api.call('GET', `/staff/tickets/${t.ticketId}`, { token: admin.tokens.accessToken }), 403, 'staff_only');
  });

  it('moves a paid ticket to Billed through the billing hook only, and emails the requester', async () => {
    const t = await newTicket();
    await toShip(t);
    await transition(t.ticketId, { to: 'ready_to_bill', expectedVersion: 2, shipDate: today(), serialNumbers: ['SN-9'] });
    const deps = { store: deskStore({ sealer: getSealer }), clock: systemClock };
    const billed = await markTicketBilled({ orgId: org.orgId, ticketId: t.ticketId }, 'Invoice INV-1 paid.', deps);
    expect(billed).toMatchObject({ status: 'billed', version: 4 });
    expect(billed.history.at(-1)).toMatchObject({ from: 'ready_to_bill', to: 'billed', by: { role: 'system', name: 'Billing' } });
    await waitForMail(requester.email, (m) => m.subject.includes(t.reference) && m.subject.includes('Facturé'));
    await expect(markTicketBilled({ orgId: org.orgId, ticketId: t.ticketId }, undefined, deps)).rejects.toMatchObject({ code: 'transition_not_allowed' });
    await expect(markTicketBilled({ orgId: 'org_tnothere000000000', ticketId: t.ticketId }, undefined, deps)).rejects.toMatchObject({ code: 'ticket_not_found' });
  });
});

describe('apprentice requests need a training certificate before they leave Review (SD-1)', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

  async function declare(ticketId: string, size: number) {
    const res = await api.call('POST', `/desk/tickets/${ticketId}/attachments`, {
      token: requester.tokens.accessToken,
      body: { fileName: 'contrat-apprentissage.pdf', contentType: 'application/pdf', size, purpose: 'training_certificate' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status, res.text).toBe(201);
    return res.body as { attachment: { attachmentId: string }; upload: { url: string; headers: Record<string, string> } };
  }

  it('refuses to leave Review without a certificate, with a declared one never uploaded or not a PDF, and accepts a genuine one', async () => {
    const t = await newTicket(requester, { apprentice: true });
    expectError(await toShip(t), 422, 'certificate_required', 'body.to');

    const never = await declare(t.ticketId, pdf.length);
    const notUploaded = await toShip(t);
    expectError(notUploaded, 422, 'certificate_required');
    expect(notUploaded.body.error.message).toContain('not uploaded as declared');

    const fake = await declare(t.ticketId, png.length);
    expect((await fetch(fake.upload.url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: png })).status).toBe(200);
    expectError(await toShip(t), 422, 'certificate_required');

    const real = await declare(t.ticketId, pdf.length);
    expect(real.upload.headers).toEqual({ 'content-type': 'application/pdf', 'content-length': String(pdf.length) });
    expect((await fetch(real.upload.url, { method: 'PUT', headers: { 'content-type': real.upload.headers['content-type'] as string }, body: pdf })).status).toBe(200);
    const shipped = await toShip(t);
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body.attachments.map((a: { attachmentId: string }) => a.attachmentId)).toEqual([never.attachment.attachmentId, fake.attachment.attachmentId, real.attachment.attachmentId]);

    // Staff can read the certificate through a short-lived URL.
    const { result: dl, calls } = await countDynamoCalls(() => api.call('GET', `/staff/tickets/${t.ticketId}/attachments/${real.attachment.attachmentId}`, { token: staff.tokens.accessToken }));
    expect(dl.status).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    const file = await fetch(dl.body.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    expect(file.headers.get('content-disposition')).toContain('contrat-apprentissage.pdf');
  });
});

describe('staff views', () => {
  it('lists the staff queue of one status across orgs, oldest first, in 2 DynamoDB calls', async () => {
    const other = await createTestOrg();
    const someone = await createTestUser({ org: { org: other, role: 'buyer' } });
    const first = await newTicket(someone);
    const second = await newTicket(requester);
    const seen: { ticketId: string; createdAt: string; orgId: string }[] = [];
    let cursor: string | undefined;
    let calls: string[] = [];
    do {
      const page = await countDynamoCalls(() =>
        api.call('GET', `/staff/tickets?status=review&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: staff.tokens.accessToken }),
      );
      expect(page.result.status).toBe(200);
      calls = page.calls;
      seen.push(...page.result.body.items);
      cursor = page.result.body.nextCursor;
    } while (cursor);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    const order = seen.map((x) => x.ticketId);
    expect(order.indexOf(first.ticketId)).toBeGreaterThanOrEqual(0);
    expect(order.indexOf(first.ticketId)).toBeLessThan(order.indexOf(second.ticketId));
    expect(seen.map((x) => x.createdAt)).toEqual([...seen.map((x) => x.createdAt)].sort());
    expect(new Set(seen.map((x) => x.orgId)).size).toBeGreaterThan(1);
    expectError(await api.call('GET', '/staff/tickets?status=review', { token: requester.tokens.accessToken }), 403, 'staff_only');
    expectError(await api.call('GET', '/staff/tickets?status=open', { token: staff.tokens.accessToken }), 400, 'invalid_field', 'query.status');
  });

  it("shows staff any org's ticket with the requester's email, in 2 DynamoDB calls", async () => {
    const t = await newTicket();
    const { result: res, calls } = await countDynamoCalls(() => api.call('GET', `/staff/tickets/${t.ticketId}`, { token: staff.tokens.accessToken }));
    expect(res.body).toMatchObject({ ticketId: t.ticketId, orgId: org.orgId, requester: { userId: requester.userId, email: requester.email, name: 'Élodie Bernard' } });
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
    expectError(await api.call('GET', '/staff/tickets/tkt_00000000000000000000', { token: staff.tokens.accessToken }), 404, 'ticket_not_found');
  });
});
