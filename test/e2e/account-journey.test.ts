import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestOrg, createTestUser, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';
import { signUpAndVerify } from '#test/support/onboarding.ts';

/**
 * The business account page end to end against the local stack: a site admin invites a colleague, who
 * signs up with the invited address (a real signup with the emailed code), accepts the invitation, finds the
 * org's recent orders on the account page and re-orders one whose model is no longer offered.
 */

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('account journey', () => {
  it('takes an invited colleague from the invitation email to a re-order', async () => {
    const org = await createTestOrg({ name: 'Lumière Ateliers' });
    const [admin, staff] = await Promise.all([createTestUser({ org: { org, role: 'site_admin' } }), createTestUser({ staff: true })]);
    const adminToken = admin.tokens.accessToken;

    // The org shares its tickets, and has an order shipped with a model the vendor has since replaced.
    expect((await api.call('PUT', '/desk/settings', { token: adminToken, body: { visibility: 'org' } })).status).toBe(200);
    const order = await api.call('POST', '/desk/tickets', {
      token: adminToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        deliveryAddress: { recipient: 'Atelier 3', line1: '8 rue Ferrandière', postalCode: '69002', city: 'Lyon', country: 'FR' },
        internalReference: 'ATL-2026-07',
        phone: '+33472000000',
        apprentice: false,
      },
    });
    expect(order.status, order.text).toBe(201);
    const shipped = await api.call('POST', `/staff/tickets/${order.body.ticketId}/transitions`, {
      token: staff.tokens.accessToken,
      body: { to: 'ready_to_ship', expectedVersion: 1, deviceModel: 'Latitude 7440' },
    });
    expect(shipped.status, shipped.text).toBe(200);

    // AC-2: the site admin invites a buyer; the invitation leaves through the outbox.
    const email = uniqueEmail(org.domains[0]);
    const invited = await api.call('POST', '/account/users/invitations', { token: adminToken, headers: { 'idempotency-key': randomUUID() }, body: { email, role: 'buyer', locale: 'fr' } });
    expect(invited.status, invited.text).toBe(201);
    const invitation = await waitForMail(email, (m) => m.subject.includes('Lumière Ateliers'));
    expect(invitation.body.text).toContain(`invitation=${org.orgId}`);

    // The colleague signs up with that address, and joins with the invited role.
    const { accessToken: token } = await signUpAndVerify(api, email, { name: 'Camille Roux', locale: 'fr' });
    const pending = await api.call('GET', '/account/invitations', { token });
    expect(pending.body.items).toEqual([expect.objectContaining({ orgId: org.orgId, role: 'buyer', invitedBy: { name: 'Test User' } })]);
    const accepted = await api.call('POST', `/account/invitations/${org.orgId}/accept`, { token });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'joined', organization: { orgName: 'Lumière Ateliers', role: 'buyer' }, tier: 'enterprise' });
    await waitForMail(email, (m) => m.subject !== invitation.subject && m.body.text?.includes('Lumière Ateliers') === true);

    // AC-1: the account header shows the org and the role.
    const header = await api.call('GET', '/account', { token });
    expect(header.body).toMatchObject({ organization: { name: 'Lumière Ateliers', accessGroup: 'Enterprise customer' }, role: 'buyer', accountType: 'enterprise' });
    const users = await api.call('GET', '/account/users', { token: adminToken });
    expect(users.body.members).toEqual(expect.arrayContaining([expect.objectContaining({ email, name: 'Camille Roux', role: 'buyer' })]));
    expect(users.body.invitations).toEqual([]);

    // AC-4: the org's recent orders, and a re-order of the shipped one.
    const recent = await api.call('GET', '/account/orders?scope=org', { token });
    expect(recent.body.items.map((t: { ticketId: string }) => t.ticketId)).toContain(order.body.ticketId);
    const key = randomUUID();
    const again = await api.call('POST', `/account/orders/${order.body.ticketId}/reorder`, { token, headers: { 'idempotency-key': key }, body: {} });
    expect(again.status, again.text).toBe(201);
    expect(again.body.ticket).toMatchObject({ status: 'review', internalReference: 'ATL-2026-07', requester: { name: 'Camille Roux' }, deliveryAddress: { city: 'Lyon' } });
    expect(again.body.changes).toEqual([
      expect.objectContaining({ code: 'model_no_longer_offered', previous: 'Latitude 7440', current: 'Latitude 7450' }),
      expect.objectContaining({ code: 'requester_changed', previous: 'Test User', current: 'Camille Roux' }),
    ]);
    const retried = await api.call('POST', `/account/orders/${order.body.ticketId}/reorder`, { token, headers: { 'idempotency-key': key }, body: {} });
    expect(retried.body.ticket.ticketId).toBe(again.body.ticket.ticketId);
    const mine = await api.call('GET', '/account/orders', { token });
    expect(mine.body.items.map((t: { ticketId: string }) => t.ticketId)).toEqual([again.body.ticket.ticketId]);
  });
});
