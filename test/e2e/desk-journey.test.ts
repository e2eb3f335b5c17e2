import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestOrg, createTestUser, signIn, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';
import { STRONG_PASSWORD, codeFromMailbox } from '#test/support/onboarding.ts';

/**
 * The partner service desk end to end against the local stack (DynamoDB Local, cognito-local, the SES
 * stand-in, s3rver): an employee signs up with a business email, validates the emailed code, registers and
 * is attached to their org by its domain, orders an apprentice laptop with its training certificate, talks
 * to support on the ticket, and follows it to Ready to bill by email in French.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%âãÏÓ\n'), Buffer.alloc(4096, 0x20), Buffer.from('\n%%EOF\n')]);

describe('service desk journey', () => {
  it('takes a new employee from signup to a device request in Ready to bill', async () => {
    // An org owning its email domain; a new employee signs up with an address there (ON-1, ON-2).
    const org = await createTestOrg({ name: 'Lycée Technique Lumière' });
    const email = uniqueEmail(org.domains[0]);
    const signup = await api.call('POST', '/signup', { body: { email, password: STRONG_PASSWORD, name: 'Inès Moreau', locale: 'fr' } });
    expect(signup.status, signup.text).toBe(202);
    const verified = await api.call('POST', '/signup/verify', { body: { email, code: await codeFromMailbox(email) } });
    expect(verified.status, verified.text).toBe(200);
    const { accessToken: token } = await signIn(email, STRONG_PASSWORD);

    // Before company access the desk says why it is closed (ON-5 tiers).
    const early = await api.call('GET', '/desk/tickets', { token });
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('tier_forbidden');

    // ON-3/ON-4: registration attaches her to the one org owning the domain.
    const registration = await api.call('POST', '/onboarding/registration', {
      token,
      body: {
        relationship: 'customer_employee',
        company: org.name,
        jobTitle: 'Responsable informatique',
        phone: '+33472000000',
        country: 'FR',
        siteAddress: { line1: '8 rue Ferrandière', city: 'Lyon', postalCode: '69002', country: 'FR' },
      },
    });
    expect(registration.status, registration.text).toBe(200);
    expect(registration.body).toMatchObject({ status: 'joined', organization: { orgId: org.orgId } });
    const me = await api.call('GET', '/me', { token });
    expect(me.body).toMatchObject({ tier: 'enterprise', memberships: [{ orgId: org.orgId, active: true }] });

    // SD-1: a laptop for an apprentice, delivered to the apprentice.
    const created = await api.call('POST', '/desk/tickets', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        deliveryAddress: { recipient: 'Noah Petit', line1: '21 avenue Jean Jaurès', postalCode: '69007', city: 'Lyon', country: 'FR' },
        internalReference: 'Apprenti 2026-014',
        phone: '+33612345678',
        apprentice: true,
        comment: 'Windows 10 pour le logiciel de CAO.',
      },
    });
    expect(created.status, created.text).toBe(201);
    const { ticketId, reference } = created.body as { ticketId: string; reference: string };
    expect(created.body).toMatchObject({ status: 'review', certificateRequired: true, requester: { name: 'Inès Moreau' } });

    // The training certificate, uploaded straight to storage with the presigned PUT.
    const upload = await api.call('POST', `/desk/tickets/${ticketId}/attachments`, {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { fileName: "contrat d'apprentissage.pdf", contentType: 'application/pdf', size: pdf.length, purpose: 'training_certificate' },
    });
    expect(upload.status, upload.text).toBe(201);
    const put = await fetch(upload.body.upload.url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });
    expect(put.status).toBe(200);

    // Vendor staff find it in their queue and check it.
    const staff = await createTestUser({ staff: true });
    const staffToken = staff.tokens.accessToken;
    const inReview = await api.call('GET', `/staff/tickets/${ticketId}`, { token: staffToken });
    expect(inReview.body).toMatchObject({ reference, status: 'review', version: 1, requester: { email } });
    const certificate = await api.call('GET', `/staff/tickets/${ticketId}/attachments/${upload.body.attachment.attachmentId}`, { token: staffToken });
    expect(Buffer.from(await (await fetch(certificate.body.url)).arrayBuffer()).equals(pdf)).toBe(true);

    // SD-2: Review -> Ready to ship; the requester is told in French.
    const shipped = await api.call('POST', `/staff/tickets/${ticketId}/transitions`, {
      token: staffToken,
      body: { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 3550', note: 'Expédition prévue jeudi.' },
    });
    expect(shipped.status, shipped.text).toBe(200);
    const shipMail = await waitForMail(email, (m) => m.subject.includes(reference) && m.subject.includes('Prêt pour l’envoi'));
    expect(shipMail.body.text).toContain('Expédition prévue jeudi.');

    // SD-4: a question on the ticket and the support's answer, emailed to the requester.
    const question = await api.call('POST', `/desk/tickets/${ticketId}/comments`, {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { body: 'Pouvez-vous livrer avant 17 h ?' },
    });
    expect(question.status, question.text).toBe(201);
    const answer = await api.call('POST', `/staff/tickets/${ticketId}/comments`, {
      token: staffToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { body: 'Oui, le transporteur passera le matin.' },
    });
    expect(answer.status, answer.text).toBe(201);
    const replyMail = await waitForMail(email, (m) => m.subject === `Nouvelle réponse du support sur ${reference}`);
    expect(replyMail.body.text).toContain('le transporteur passera le matin');

    // Devices shipped: Ready to bill, with ship date and serial number.
    const shipDate = new Date().toISOString().slice(0, 10);
    const ready = await api.call('POST', `/staff/tickets/${ticketId}/transitions`, {
      token: staffToken,
      body: { to: 'ready_to_bill', expectedVersion: 2, shipDate, serialNumbers: ['CN-0X5K2P-2026'] },
    });
    expect(ready.status, ready.text).toBe(200);
    await waitForMail(email, (m) => m.subject.includes(reference) && m.subject.includes('Prêt pour la facturation'));

    // What the requester sees now: status, history, the conversation, and "My requests".
    const ticket = await api.call('GET', `/desk/tickets/${ticketId}`, { token });
    expect(ticket.body).toMatchObject({
      status: 'ready_to_bill',
      version: 3,
      internalReference: 'Apprenti 2026-014',
      deviceModel: 'Latitude 3550',
      shipDate,
      serialNumbers: ['CN-0X5K2P-2026'],
    });
    expect(ticket.body.history.map((h: { to: string }) => h.to)).toEqual(['review', 'ready_to_ship', 'ready_to_bill']);
    const conversation = await api.call('GET', `/desk/tickets/${ticketId}/comments`, { token });
    expect(conversation.body.items.map((c: { authorRole: string }) => c.authorRole)).toEqual(['requester', 'staff']);
    const mine = await api.call('GET', '/desk/tickets', { token });
    expect(mine.body.items).toEqual([expect.objectContaining({ ticketId, reference, status: 'ready_to_bill' })]);
  });
});
