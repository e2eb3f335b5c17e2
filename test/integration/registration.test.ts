import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { createTestOrg, createTestUser, uniqueEmail } from '#test/support/identity.ts';
import { waitForMail } from '#test/support/mailbox.ts';
import { signUpAndVerify } from '#test/support/onboarding.ts';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const details = (over: Record<string, unknown> = {}) => ({
  relationship: 'customer_employee',
  company: 'Acme',
  jobTitle: 'IT lead',
  phone: '+33612345678',
  country: 'FR',
  siteAddress: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  ...over,
});

const register = (token: string, over: Record<string, unknown> = {}) => api.call('POST', '/onboarding/registration', { token, body: details(over) });
const status = async (token: string) => (await api.call('GET', '/onboarding/status', { token })).body;

describe('registration and org matching by verified domain', () => {
  it('attaches the user to the one org owning the domain, with its default role and tier, and emails a confirmation', async () => {
    const org = await createTestOrg({ defaultRole: 'shopper' });
    const user = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    const res = await register(user.tokens.accessToken);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'joined', organization: { orgId: org.orgId, orgName: org.name, role: 'shopper', accessGroup: 'Enterprise customer' } });
    const me = (await api.call('GET', '/me', { token: user.tokens.accessToken })).body;
    expect(me.tier).toBe('enterprise');
    expect(me.memberships).toEqual([expect.objectContaining({ orgId: org.orgId, role: 'shopper', active: true })]);
    expect((await status(user.tokens.accessToken)).step).toBe('complete');
    const mail = await waitForMail(user.email);
    expect(mail.body.text).toContain(org.name);
  });

  it('matches a subdomain to its parent, and the longest registered suffix wins', async () => {
    const parent = await createTestOrg();
    const base = parent.domains[0] as string;
    const lab = await createTestOrg({ domains: [`lab.${base}`], name: 'Lab division' });
    const inLab = await createTestUser({ email: uniqueEmail(`eu.lab.${base}`) });
    expect((await register(inLab.tokens.accessToken)).body.organization.orgId).toBe(lab.orgId);
    const elsewhere = await createTestUser({ email: uniqueEmail(`sales.${base}`) });
    expect((await register(elsewhere.tokens.accessToken)).body.organization.orgId).toBe(parent.orgId);
  });

  it('gives a Partner tier to a partner employee joining a partner org', async () => {
    const org = await createTestOrg({ kind: 'partner' });
    const user = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    const res = await register(user.tokens.accessToken, { relationship: 'partner_employee' });
    expect(res.body.organization.accessGroup).toBe('Partner');
    expect((await api.call('GET', '/me', { token: user.tokens.accessToken })).body.tier).toBe('partner');
  });

  it('lets a user of a shared domain choose only among its owners', async () => {
    const north = await createTestOrg({ name: 'Agency North' });
    const south = { ...north, orgId: `org_s${randomUUID().replace(/-/g, '').slice(0, 14)}`, name: 'Agency South' };
    await directory.addDomainOwner(north.domains[0] as string, south);
    const other = await createTestOrg();
    const user = await createTestUser({ email: uniqueEmail(north.domains[0]) });
    const res = await register(user.tokens.accessToken);
    expect(res.body.status).toBe('choose_organization');
    expect(res.body.candidates.map((c: { orgId: string }) => c.orgId).sort()).toEqual([north.orgId, south.orgId].sort());
    const st = await status(user.tokens.accessToken);
    expect(st).toMatchObject({ step: 'choose_organization', tier: 'limited' });

    const foreign = await api.call('POST', '/onboarding/organization-choice', { token: user.tokens.accessToken, body: { orgId: other.orgId } });
    const missing = await api.call('POST', '/onboarding/organization-choice', { token: user.tokens.accessToken, body: { orgId: 'org_doesnotexist00' } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);

    const chosen = await api.call('POST', '/onboarding/organization-choice', { token: user.tokens.accessToken, body: { orgId: south.orgId } });
    expect(chosen.status).toBe(200);
    expect(chosen.body.organization).toMatchObject({ orgId: south.orgId, orgName: 'Agency South' });
  });

  it('leaves a user with an unknown domain Limited, to submit the organization for review', async () => {
    const user = await createTestUser({ email: uniqueEmail('unknown-corp.example') });
    const res = await register(user.tokens.accessToken);
    expect(res.body).toEqual({ status: 'organization_unknown' });
    expect(await status(user.tokens.accessToken)).toMatchObject({ step: 'submit_organization', tier: 'limited', registration: expect.objectContaining({ company: 'Acme' }) });
  });

  it('never auto-joins a prospective partner: they apply through review', async () => {
    const org = await createTestOrg();
    const user = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    expect((await register(user.tokens.accessToken, { relationship: 'prospective_partner' })).body).toEqual({ status: 'organization_unknown' });
  });

  it('refuses company access to a free-mail address (listed providers, classified at verification) with a clear 403', async () => {
    const email = uniqueEmail('gmail.com');
    const tokens = await signUpAndVerify(api, email);
    const res = await register(tokens.accessToken);
    expect(res.status).toBe(403);
    expect(ErrorBody.parse(res.body).error).toMatchObject({ type: 'authorization_error', code: 'free_mail_domain' });
    expect((await status(tokens.accessToken)).step).toBe('basic_only');
  });

  it('treats a disposable address like free-mail', async () => {
    const tokens = await signUpAndVerify(api, uniqueEmail('mailinator.com'));
    expect((await register(tokens.accessToken)).status).toBe(403);
  });

  it('answers 409 to a member registering again', async () => {
    const org = await createTestOrg();
    const member = await createTestUser({ org: { org, role: 'buyer' } });
    const res = await register(member.tokens.accessToken);
    expect(res.status).toBe(409);
    expect(ErrorBody.parse(res.body).error.code).toBe('already_member');
  });

  it('answers 409 to choosing before registering', async () => {
    const user = await createTestUser();
    const res = await api.call('POST', '/onboarding/organization-choice', { token: user.tokens.accessToken, body: { orgId: 'org_doesnotexist00' } });
    expect(res.status).toBe(409);
  });

  it.each([
    ['an unknown relationship', { relationship: 'ceo' }, 'body.relationship'],
    ['a bad phone', { phone: '0612' }, 'body.phone'],
    ['a lower-case country', { country: 'fr' }, 'body.country'],
    ['an address without city', { siteAddress: { line1: 'x', postalCode: '75002', country: 'FR' } }, 'body.siteAddress.city'],
    ['a forged orgId', { orgId: 'org_foreign0001' }, 'body.orgId'],
  ])('rejects %s with a 400 and changes nothing', async (_n, over, param) => {
    const org = await createTestOrg();
    const user = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    const res = await register(user.tokens.accessToken, over);
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(res.body).error.param).toBe(param);
    expect((await status(user.tokens.accessToken)).step).toBe('register');
  });

  it('reports the onboarding status from the principal alone (one DynamoDB call)', async () => {
    const user = await createTestUser();
    const { calls } = await countDynamoCalls(() => api.call('GET', '/onboarding/status', { token: user.tokens.accessToken }));
    expect(calls).toEqual(['QueryCommand']);
  });

  it('registers a profile without a domain owners snapshot with 3 DynamoDB calls: the caller, the domain owners, one write', async () => {
    const org = await createTestOrg();
    const user = await createTestUser({ email: uniqueEmail(org.domains[0]) });
    const { calls } = await countDynamoCalls(() => register(user.tokens.accessToken));
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });
});
