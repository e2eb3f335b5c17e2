import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import { markTicketBilled } from '#shared/domain/desk/workflow.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { systemClock } from '#shared/lib/ids.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { beforeEachDynamoCommand, countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';
import { mailTo, waitForMail } from '#test/support/mailbox.ts';

/** SD-4 comments, SD-1/SD-4 attachments (presigned S3 uploads to s3rver) and SD-6 feedback. */

let api: TestApi;
let org: Org;
let staff: TestUser;
let requester: TestUser;
let colleague: TestUser;
let admin: TestUser;
let outsider: TestUser;
let ticket: { ticketId: string; reference: string };

const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(512, 7)]);

beforeAll(async () => {
  api = await startTestApi();
  org = await createTestOrg();
  const other = await createTestOrg();
  [staff, requester, colleague, admin, outsider] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org, role: 'shopper' } }),
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org: other, role: 'site_admin' } }),
  ]);
  ticket = await newTicket();
});
afterAll(() => api.close());

async function newTicket(user: TestUser = requester) {
  const res = await api.call('POST', '/desk/tickets', {
    token: user.tokens.accessToken,
    body: { deliveryAddress: { recipient: 'Sam', line1: 'Bahnhofstrasse 1', postalCode: '8001', city: 'Zürich', country: 'CH' }, phone: '+41791234567', apprentice: false },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { ticketId: string; reference: string };
}

const post = (user: TestUser, path: string, body: unknown, key: string = randomUUID()) =>
  api.call('POST', path, { token: user.tokens.accessToken, body, headers: { 'idempotency-key': key } });
const get = (user: TestUser, path: string) => api.call('GET', path, { token: user.tokens.accessToken });
const comment = (user: TestUser, ticketId: string, body: Record<string, unknown>, key?: string) => post(user, `/desk/tickets/${ticketId}/comments`, body, key);
const staffComment = (ticketId: string, body: Record<string, unknown>) => post(staff, `/staff/tickets/${ticketId}/comments`, body);
const declare = (user: TestUser, ticketId: string, over: Record<string, unknown> = {}, key?: string) =>
  post(user, `/desk/tickets/${ticketId}/attachments`, { fileName: 'colis-abimé.jpg', contentType: 'image/jpeg', size: photo.length, ...over }, key);

async function uploadPhoto(ticketId: string) {
  const res = await declare(requester, ticketId);
  expect(res.status, res.text).toBe(201);
  const put = await fetch(res.body.upload.url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: photo });
  expect(put.status).toBe(200);
  return res.body.attachment.attachmentId as string;
}

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

async function billed() {
  const t = await newTicket();
  const move = (body: Record<string, unknown>) => post(staff, `/staff/tickets/${t.ticketId}/transitions`, body);
  await move({ to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'X1' });
  await move({ to: 'ready_to_bill', expectedVersion: 2, shipDate: new Date().toISOString().slice(0, 10), serialNumbers: ['S1'] });
  await markTicketBilled({ orgId: org.orgId, ticketId: t.ticketId }, undefined, { store: deskStore({ sealer: getSealer }), clock: systemClock });
  return t;
}

describe('attachments (presigned uploads)', () => {
  it('binds an attachment to the ticket and returns a presigned PUT with its signed type and length, in 2 DynamoDB calls', async () => {
    const { result: res, calls } = await countDynamoCalls(() => declare(requester, ticket.ticketId));
    expect(res.status, res.text).toBe(201);
    expect(res.body.attachment).toMatchObject({ fileName: 'colis-abimé.jpg', contentType: 'image/jpeg', size: photo.length, purpose: 'other', uploadedBy: { role: 'requester' } });
    expect(res.body.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/jpeg', 'content-length': String(photo.length) } });
    expect(res.body.upload.url).toContain('X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost');
    expect(res.body.upload.url).toContain(`/desk/${org.orgId}/tickets/${ticket.ticketId}/${res.body.attachment.attachmentId}`);
    expect(new Date(res.body.upload.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    const detail = await get(requester, `/desk/tickets/${ticket.ticketId}`);
    expect(detail.body.attachments.map((a: { attachmentId: string }) => a.attachmentId)).toContain(res.body.attachment.attachmentId);
  });

  it('accepts only PDF, JPEG or PNG up to 10 MB, under a plain file name', async () => {
    expectError(await declare(requester, ticket.ticketId, { contentType: 'image/gif' }), 400, 'invalid_field', 'body.contentType');
    expectError(await declare(requester, ticket.ticketId, { size: 10 * 1024 * 1024 + 1 }), 400, 'invalid_field', 'body.size');
    expectError(await declare(requester, ticket.ticketId, { fileName: '../../etc/passwd' }), 400, 'invalid_field', 'body.fileName');
    expectError(await declare(requester, ticket.ticketId, { purpose: 'invoice' }), 400, 'invalid_field', 'body.purpose');
    expect((await declare(requester, ticket.ticketId, { contentType: 'application/pdf', size: 10 * 1024 * 1024 })).status).toBe(201);
  });

  it("lets only the requester attach: a colleague gets 403 where they can see the ticket, 404 where they cannot, like another org's member", async () => {
    const missing = await declare(outsider, 'tkt_00000000000000000000');
    const foreign = await declare(outsider, ticket.ticketId);
    expectError(foreign, 404, 'ticket_not_found');
    expect(foreign.body).toEqual(missing.body);
    expectError(await declare(colleague, ticket.ticketId), 404, 'ticket_not_found');
    expectError(await declare(admin, ticket.ticketId), 403, 'requester_only');
  });

  it('replays the same upload for a repeated key, and refuses attachments beyond 20 or on a closed ticket (409)', async () => {
    const t = await newTicket();
    const key = randomUUID();
    const first = await declare(requester, t.ticketId, {}, key);
    const again = await declare(requester, t.ticketId, {}, key);
    expect(again.body.attachment.attachmentId).toBe(first.body.attachment.attachmentId);
    expectError(await declare(requester, t.ticketId, { fileName: 'other.jpg' }, key), 422, 'idempotency_key_reused');
    // 25 concurrent attempts for the 19 free places: the size guard in the write admits exactly 19.
    const more = await Promise.all(Array.from({ length: 25 }, (_, i) => declare(requester, t.ticketId, { fileName: `p${i}.jpg` })));
    expect(more.filter((r) => r.status === 201)).toHaveLength(19);
    for (const r of more.filter((x) => x.status !== 201)) expectError(r, 409, 'too_many_attachments');
    expect((await get(requester, `/desk/tickets/${t.ticketId}`)).body.attachments).toHaveLength(20);
    const closed = await billed();
    expectError(await declare(requester, closed.ticketId), 409, 'ticket_closed');
  });

  it('hands out a short-lived download URL to whoever sees the ticket', async () => {
    const id = await uploadPhoto(ticket.ticketId);
    const { result: res, calls } = await countDynamoCalls(() => get(requester, `/desk/tickets/${ticket.ticketId}/attachments/${id}`));
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    const file = await fetch(res.body.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect((await get(admin, `/desk/tickets/${ticket.ticketId}/attachments/${id}`)).status).toBe(200);
    expectError(await get(colleague, `/desk/tickets/${ticket.ticketId}/attachments/${id}`), 404, 'ticket_not_found');
    expectError(await get(outsider, `/desk/tickets/${ticket.ticketId}/attachments/${id}`), 404, 'ticket_not_found');
    expectError(await get(requester, `/desk/tickets/${ticket.ticketId}/attachments/att_00000000000000000000`), 404, 'attachment_not_found', 'path.attachmentId');
  });
});

describe('comments (SD-4)', () => {
  it('keeps an ordered message history between requester and staff, with author roles and attachments', async () => {
    const t = await newTicket();
    const photoId = await uploadPhoto(t.ticketId);
    const { result: first, calls } = await countDynamoCalls(() => comment(requester, t.ticketId, { body: 'Le colis est arrivé abîmé.', attachmentIds: [photoId] }));
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ authorRole: 'requester', author: { name: 'Test User' }, body: 'Le colis est arrivé abîmé.', attachmentIds: [photoId] });
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    const reply = await staffComment(t.ticketId, { body: 'Nous envoyons un remplacement.\nMerci de conserver le carton.' });
    expect(reply.status, reply.text).toBe(201);
    await comment(requester, t.ticketId, { body: 'Merci !' });

    const { result: history, calls: listCalls } = await countDynamoCalls(() => get(requester, `/desk/tickets/${t.ticketId}/comments`));
    expect(listCalls).toEqual(['QueryCommand', 'QueryCommand']);
    expect(history.body.items.map((c: { authorRole: string; body: string }) => [c.authorRole, c.body])).toEqual([
      ['requester', 'Le colis est arrivé abîmé.'],
      ['staff', 'Nous envoyons un remplacement.\nMerci de conserver le carton.'],
      ['requester', 'Merci !'],
    ]);
    const staffView = await countDynamoCalls(() => get(staff, `/staff/tickets/${t.ticketId}/comments`));
    expect(staffView.result.body.items).toEqual(history.body.items);
    expect(staffView.calls).toEqual(['QueryCommand', 'QueryCommand']);

    const page1 = await get(requester, `/desk/tickets/${t.ticketId}/comments?limit=2`);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await get(requester, `/desk/tickets/${t.ticketId}/comments?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`);
    expect(page2.body.items.map((c: { body: string }) => c.body)).toEqual(['Merci !']);
    expectError(await get(requester, `/desk/tickets/${ticket.ticketId}/comments?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor)}`), 400, 'invalid_cursor');
  });

  it('emails the requester when staff reply, in their locale, unless they opted out', async () => {
    const t = await newTicket();
    const { result: res, calls } = await countDynamoCalls(() => staffComment(t.ticketId, { body: 'Could you confirm the delivery address?' }));
    expect(res.status).toBe(201);
    // principal, the ticket (recipient), one transaction (guard, comment, opt-out check, outbox, idempotency record)
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'TransactWriteItemsCommand']);
    const mail = await waitForMail(requester.email, (m) => m.subject.includes(t.reference));
    expect(mail.subject).toBe(`New reply from support on ${t.reference}`);
    expect(mail.body.text).toContain('Could you confirm the delivery address?');

    const quiet = await createTestUser({ org: { org, role: 'buyer' } });
    await api.call('PUT', '/desk/preferences', { token: quiet.tokens.accessToken, body: { ticketEmails: false } });
    const q = await newTicket(quiet);
    expect((await staffComment(q.ticketId, { body: 'Noted.' })).status).toBe(201);
    const later = await newTicket();
    await staffComment(later.ticketId, { body: 'Noted too.' });
    await waitForMail(requester.email, (m) => m.subject.includes(later.reference));
    expect(await mailTo(quiet.email)).toEqual([]);
  });

  it("answers a foreign org's ticket like a missing one, 404 to a colleague who cannot see it, and 403 to those who can but are not the requester", async () => {
    const missing = await comment(outsider, 'tkt_00000000000000000000', { body: 'hi' });
    const foreign = await comment(outsider, ticket.ticketId, { body: 'hi' });
    expectError(foreign, 404, 'ticket_not_found');
    expect(foreign.body).toEqual(missing.body);
    expectError(await comment(colleague, ticket.ticketId, { body: 'hi' }), 404, 'ticket_not_found');
    expectError(await comment(admin, ticket.ticketId, { body: 'hi' }), 403, 'requester_only');
    const listMissing = await get(outsider, '/desk/tickets/tkt_00000000000000000000/comments');
    const listForeign = await get(outsider, `/desk/tickets/${ticket.ticketId}/comments`);
    expectError(listForeign, 404, 'ticket_not_found');
    expect(listForeign.body).toEqual(listMissing.body);
    expectError(await get(colleague, `/desk/tickets/${ticket.ticketId}/comments`), 404, 'ticket_not_found');
    expect((await get(admin, `/desk/tickets/${ticket.ticketId}/comments`)).status).toBe(200);
  });

  it('shows the history to colleagues once the org shares tickets (one extra read for them)', async () => {
    const sharing = await createTestOrg();
    const [owner, author, peer] = await Promise.all([
      createTestUser({ org: { org: sharing, role: 'site_admin' } }),
      createTestUser({ org: { org: sharing, role: 'buyer' } }),
      createTestUser({ org: { org: sharing, role: 'buyer' } }),
    ]);
    await api.call('PUT', '/desk/settings', { token: owner.tokens.accessToken, body: { visibility: 'org' } });
    const t = await newTicket(author);
    await comment(author, t.ticketId, { body: 'First.' });
    const { result, calls } = await countDynamoCalls(() => get(peer, `/desk/tickets/${t.ticketId}/comments`));
    expect(result.body.items.map((c: { body: string }) => c.body)).toEqual(['First.']);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'GetItemCommand']);
    expectError(await comment(peer, t.ticketId, { body: 'Me too.' }), 403, 'requester_only');
  });

  it('requires referenced attachments to be uploaded to this ticket, and refuses comments on a closed ticket', async () => {
    const t = await newTicket();
    const declaredOnly = (await declare(requester, t.ticketId)).body.attachment.attachmentId as string;
    expectError(await comment(requester, t.ticketId, { body: 'See photo', attachmentIds: [declaredOnly] }), 422, 'attachment_not_uploaded', 'body.attachmentIds.0');
    const elsewhere = await uploadPhoto(ticket.ticketId);
    expectError(await comment(requester, t.ticketId, { body: 'See photo', attachmentIds: [elsewhere] }), 422, 'attachment_not_uploaded');
    expectError(await staffComment(t.ticketId, { body: 'See photo', attachmentIds: [elsewhere] }), 404, 'attachment_not_found', 'body.attachmentIds.0');
    expectError(await staffComment(t.ticketId, { body: 'See photo', attachmentIds: [declaredOnly] }), 422, 'attachment_not_uploaded');
    expectError(await comment(requester, t.ticketId, { body: 'x', attachmentIds: [elsewhere, elsewhere] }), 400, 'invalid_field', 'body.attachmentIds');
    expectError(await comment(requester, t.ticketId, { body: '   ' }), 400, 'invalid_field', 'body.body');
    expectError(await comment(requester, t.ticketId, { body: 'x'.repeat(4001) }), 400, 'invalid_field', 'body.body');
    const closed = await billed();
    expectError(await comment(requester, closed.ticketId, { body: 'Anything?' }), 409, 'ticket_closed');
    expectError(await staffComment(closed.ticketId, { body: 'Anything?' }), 409, 'ticket_closed');
    expectError(await staffComment('tkt_00000000000000000000', { body: 'Anything?' }), 404, 'ticket_not_found');
    expectError(await get(staff, '/staff/tickets/tkt_00000000000000000000/comments'), 404, 'ticket_not_found');
    expectError(await get(staff, `/staff/tickets/${t.ticketId}/attachments/att_00000000000000000000`), 404, 'attachment_not_found');
    expectError(await post(requester, `/staff/tickets/${t.ticketId}/comments`, { body: 'x' }), 403, 'staff_only');
  });

  it('replays a repeated comment and refuses its key with another body (422)', async () => {
    const key = randomUUID();
    const first = await comment(requester, ticket.ticketId, { body: 'Once.' }, key);
    const again = await comment(requester, ticket.ticketId, { body: 'Once.' }, key);
    expect(again.body.commentId).toBe(first.body.commentId);
    expectError(await comment(requester, ticket.ticketId, { body: 'Twice.' }, key), 422, 'idempotency_key_reused');
    const all = await get(requester, `/desk/tickets/${ticket.ticketId}/comments?limit=100`);
    expect(all.body.items.filter((c: { body: string }) => c.body === 'Once.')).toHaveLength(1);
    expect(all.body.items.filter((c: { body: string }) => c.body === 'Twice.')).toHaveLength(0);
  });

  it('answers 409 ticket_changed when its guarded write is refused but the ticket reads fine again (it changed in between)', async () => {
    // A change that comes and goes between the guard and the read that explains it cannot be caused on
    // purpose: the guard's refusal is injected once (the only fault injected in this file).
    let refusals = 0;
    const refuseOnce = () => {
      if (refusals > 0) return;
      refusals++;
      // The idempotency record's Put first, then the ticket's guard.
      throw new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
    };
    const before = await get(requester, `/desk/tickets/${ticket.ticketId}/comments?limit=100`);
    await beforeEachDynamoCommand('TransactWriteItemsCommand', refuseOnce, async () => expectError(await comment(requester, ticket.ticketId, { body: 'Raced.' }), 409, 'ticket_changed'));
    expect(refusals).toBe(1);
    const after = await get(requester, `/desk/tickets/${ticket.ticketId}/comments?limit=100`);
    expect(after.body.items).toEqual(before.body.items);
    // The retry the message asks for goes through.
    expect((await comment(requester, ticket.ticketId, { body: 'Raced.' })).status).toBe(201);
  });
});

describe('feedback (SD-6)', () => {
  it('stores a rating and text from a member, and lists it for staff newest first', async () => {
    const text = `Quick delivery ${randomUUID()}`;
    const { result: res, calls } = await countDynamoCalls(() => post(requester, '/desk/feedback', { rating: 5, text }));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ rating: 5, text });
    expect(res.body.author).toBeUndefined();
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    await post(colleague, '/desk/feedback', { rating: 2, text: 'Too slow.' });

    const { result: list, calls: listCalls } = await countDynamoCalls(() => get(staff, '/staff/feedback?limit=100'));
    expect(listCalls).toEqual(['QueryCommand', 'QueryCommand']);
    const mine = list.body.items.findIndex((f: { text: string }) => f.text === text);
    expect(list.body.items[mine]).toMatchObject({ rating: 5, orgId: org.orgId, orgName: org.name, author: { userId: requester.userId, email: requester.email } });
    expect(list.body.items.findIndex((f: { text: string }) => f.text === 'Too slow.')).toBeLessThan(mine);
    const page = await get(staff, '/staff/feedback?limit=1');
    expect(page.body.items).toHaveLength(1);
    expect((await get(staff, `/staff/feedback?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`)).body.items).toHaveLength(1);
  });

  it('validates the rating (1-5) and requires text; staff-only listing', async () => {
    expectError(await post(requester, '/desk/feedback', { rating: 6, text: 'x' }), 400, 'invalid_field', 'body.rating');
    expectError(await post(requester, '/desk/feedback', { rating: 0, text: 'x' }), 400, 'invalid_field', 'body.rating');
    expectError(await post(requester, '/desk/feedback', { rating: 4.5, text: 'x' }), 400, 'invalid_field', 'body.rating');
    expectError(await post(requester, '/desk/feedback', { rating: 4 }), 400, 'missing_field', 'body.text');
    expectError(await get(admin, '/staff/feedback'), 403, 'staff_only');
  });
});
