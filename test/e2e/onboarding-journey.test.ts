import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { createTestUser, signIn, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';
import { codeFromMailbox, STRONG_PASSWORD } from '#test/support/onboarding.ts';

/**
 * ON-1..ON-5 end to end against the local stack: signup -> code from the SES mailbox -> verify -> sign in
 * with cognito-local -> registration (no org owns the domain) -> organization review -> staff approval
 * (through the review workflow's local adapter) -> getMe shows the new org, site admin, Enterprise tier.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('onboarding journey', () => {
  it('takes a new company from signup to an approved organization with its first site admin', async () => {
    const domain = `newco-${Date.now().toString(36)}.example`;
    const email = uniqueEmail(domain);
    expect((await api.call('POST', '/signup', { body: { email, password: STRONG_PASSWORD, name: 'Noor', locale: 'fr' } })).status).toBe(202);
    const code = await codeFromMailbox(email);
    expect((await api.call('POST', '/signup/verify', { body: { email, code } })).status).toBe(200);
    const { accessToken: token } = await signIn(email, STRONG_PASSWORD);

    const registration = await api.call('POST', '/onboarding/registration', {
      token,
      body: {
        relationship: 'customer_employee',
        company: 'NewCo SAS',
        jobTitle: 'Responsable IT',
        phone: '+33612345678',
        country: 'FR',
        siteAddress: { line1: '3 quai des Chartrons', city: 'Bordeaux', postalCode: '33000', country: 'FR' },
      },
    });
    expect(registration.body).toEqual({ status: 'organization_unknown' });

    const review = await api.call('POST', '/organization-reviews', {
      token,
      headers: { 'idempotency-key': `journey-${email}` },
      body: { name: 'NewCo SAS', address: { line1: '3 quai des Chartrons', city: 'Bordeaux', postalCode: '33000', country: 'FR' }, country: 'FR' },
    });
    expect(review.status).toBe(201);
    const me = (await api.call('GET', '/me', { token })).body;
    expect(me.pendingReview).toMatchObject({ kind: 'organization', expectedBy: expect.any(String) });
    expect((await api.call('GET', '/onboarding/status', { token })).body.step).toBe('pending_review');

    const staff = await createTestUser({ staff: true });
    const pending = await api.call('GET', '/reviews', { token: staff.tokens.accessToken });
    expect(pending.status).toBe(200);
    const item = pending.body.items.find((r: { reviewId: string }) => r.reviewId === me.pendingReview.reviewId);
    expect(item).toBeDefined();
    const decided = await api.call('POST', `/reviews/${item.reviewId}/decision`, { token: staff.tokens.accessToken, body: { decision: 'approve' } });
    expect(decided.status).toBeLessThan(300);

    // The workflow applies the decision (locally: the same step handlers, resumed by the decision).
    let after: any;
    for (let i = 0; i < 100; i++) {
      after = (await api.call('GET', '/me', { token })).body;
      if (after.memberships.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.tier).toBe('enterprise');
    expect(after.pendingReview).toBeUndefined();
    expect(after.memberships).toEqual([expect.objectContaining({ orgName: 'NewCo SAS', role: 'site_admin', active: true })]);
    await waitForMail(email, (m) => m.body.html?.includes('lang="fr"') === true && /NewCo SAS/.test(m.body.text ?? ''));

    // A colleague signing up later with the same domain joins the new org automatically.
    const colleague = uniqueEmail(domain);
    await api.call('POST', '/signup', { body: { email: colleague, password: STRONG_PASSWORD, name: 'Lina', locale: 'fr' } });
    await api.call('POST', '/signup/verify', { body: { email: colleague, code: await codeFromMailbox(colleague) } });
    const colleagueToken = (await signIn(colleague, STRONG_PASSWORD)).accessToken;
    const joined = await api.call('POST', '/onboarding/registration', { token: colleagueToken, body: registration.body && { relationship: 'customer_employee', company: 'NewCo SAS', jobTitle: 'Acheteuse', phone: '+33612345679', country: 'FR', siteAddress: { line1: '3 quai des Chartrons', city: 'Bordeaux', postalCode: '33000', country: 'FR' } } });
    expect(joined.body).toMatchObject({ status: 'joined', organization: { orgName: 'NewCo SAS' } });
  });
});
