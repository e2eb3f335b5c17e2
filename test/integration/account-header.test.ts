import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directory } from '#shared/adapters/dynamodb/repositories/directory.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** AC-1 account header and org switching, AC-3 profile and company details, through the local API. */

let api: TestApi;
let orgA: Org;
let orgB: Org;
let orgC: Org;
let adminA: TestUser;
let buyerAB: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  [orgA, orgB, orgC] = await Promise.all([createTestOrg({ name: 'Acme Lyon', ssoEnabled: true }), createTestOrg({ name: 'Acme Partner Desk', kind: 'partner', country: 'SE' }), createTestOrg()]);
  [adminA, buyerAB, outsider] = await Promise.all([
    createTestUser({ org: { org: orgA, role: 'site_admin' } }),
    createTestUser({ org: { org: orgA, role: 'buyer' } }),
    createTestUser({ org: { org: orgC, role: 'site_admin' } }),
  ]);
  // A second membership: the buyer is a shopper in a partner org too (primary stays orgA).
  await directory.putMembership({ userId: buyerAB.userId, orgId: orgB.orgId, orgName: orgB.name, orgKind: 'partner', role: 'shopper', accessGroup: 'Partner', joinedAt: new Date().toISOString() });
});
afterAll(() => api.close());

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

describe('getAccount (AC-1)', () => {
  it('shows the org name, access group, role, account type, SSO status and every org of the user, in 2 DynamoDB calls', async () => {
    const { result: res, calls } = await countDynamoCalls(() => call(buyerAB, 'GET', '/account'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      organization: { orgId: orgA.orgId, name: 'Acme Lyon', kind: 'customer', country: 'FR', accessGroup: 'Enterprise customer', sso: { enabled: true, managedBy: 'vendor' } },
      role: 'buyer',
      accountType: 'enterprise',
      user: { userId: buyerAB.userId, name: 'Test User', email: buyerAB.email },
      organizations: [
        { orgId: orgA.orgId, orgName: 'Acme Lyon', orgKind: 'customer', role: 'buyer', accessGroup: 'Enterprise customer', active: true },
        { orgId: orgB.orgId, orgName: orgB.name, orgKind: 'partner', role: 'shopper', accessGroup: 'Partner', active: false },
      ].sort((a, b) => (a.orgId < b.orgId ? -1 : 1)),
    });
    // principal (P1), then the org and its company details in one BatchGetItem (P50)
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('switches org with X-Org-Id: the role, access group and SSO status are those of the chosen org', async () => {
    const res = await call(buyerAB, 'GET', '/account', { headers: { 'x-org-id': orgB.orgId } });
    expect(res.status).toBe(200);
    expect(res.body.organization).toMatchObject({ orgId: orgB.orgId, kind: 'partner', accessGroup: 'Partner', sso: { enabled: false, howToEnable: expect.any(String) } });
    expect(res.body.role).toBe('shopper');
    expect(res.body.organizations.find((o: { active: boolean }) => o.active).orgId).toBe(orgB.orgId);
  });

  it('answers a foreign org id exactly like a missing one', async () => {
    const foreign = await call(buyerAB, 'GET', '/account', { headers: { 'x-org-id': orgC.orgId } });
    const missing = await call(buyerAB, 'GET', '/account', { headers: { 'x-org-id': 'org_doesnotexist0000' } });
    expectError(foreign, 404, 'org_not_found', 'header.x-org-id');
    expect(missing.status).toBe(foreign.status);
    expect(missing.body).toEqual(foreign.body);
  });

  it('needs company access: an account without an org gets 403', async () => {
    const basic = await createTestUser({ tier: 'basic' });
    expectError(await call(basic, 'GET', '/account'), 403, 'org_membership_required');
  });

  it('ignores an org or role forged in the query', async () => {
    expectError(await call(buyerAB, 'GET', `/account?orgId=${orgC.orgId}`), 400, 'unknown_field', 'query.orgId');
  });
});

describe('updateOrgDetails (AC-3)', () => {
  const details = { address: { line1: '8 rue Ferrandière', city: 'Lyon', postalCode: '69002', country: 'FR' }, phone: '+33472000000' };

  it('lets a site admin set the company address and phone, which the header then shows', async () => {
    const res = await call(adminA, 'PUT', '/account/organization', { body: details });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ orgId: orgA.orgId, ...details });
    const header = await call(adminA, 'GET', '/account');
    expect(header.body.organization).toMatchObject(details);
  });

  it('is for site admins only, and validates the address', async () => {
    expectError(await call(buyerAB, 'PUT', '/account/organization', { body: details }), 403, 'role_forbidden');
    expectError(await call(adminA, 'PUT', '/account/organization', { body: { address: { ...details.address, country: 'France' } } }), 400, 'invalid_field', 'body.address.country');
    expectError(await call(adminA, 'PUT', '/account/organization', { body: { ...details, name: 'Renamed' } }), 400, 'unknown_field', 'body.name');
  });
});

describe('profile (AC-3)', () => {
  it('shows the personal details, and the company details once registered', async () => {
    const res = await call(buyerAB, 'GET', '/account/profile');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: buyerAB.userId, name: 'Test User', email: buyerAB.email, locale: 'en', tier: 'enterprise' });
  });

  it('updates name, phone and locale in 2 DynamoDB calls, and removes the phone with null', async () => {
    const user = await createTestUser({ org: { org: orgA, role: 'buyer' } });
    const { result: res, calls } = await countDynamoCalls(() => call(user, 'PATCH', '/account/profile', { body: { name: 'Léa Martin', phone: '+33612345678', locale: 'fr' } }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ name: 'Léa Martin', phone: '+33612345678', locale: 'fr' });
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    const me = await call(user, 'GET', '/me');
    expect(me.body).toMatchObject({ name: 'Léa Martin', phone: '+33612345678', locale: 'fr' });
    const removed = await call(user, 'PATCH', '/account/profile', { body: { phone: null } });
    expect(removed.body.phone).toBeUndefined();
    expect((await call(user, 'GET', '/me')).body.phone).toBeUndefined();
  });

  it('changes the registered job title and site address only after registration (409 before)', async () => {
    const user = await createTestUser({ org: { org: orgA, role: 'buyer' } });
    expectError(await call(user, 'PATCH', '/account/profile', { body: { jobTitle: 'CTO' } }), 409, 'registration_required', 'body.jobTitle');
    const registration = {
      relationship: 'customer_employee',
      company: 'Acme',
      jobTitle: 'IT lead',
      phone: '+33612345678',
      country: 'FR',
      siteAddress: { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
    };
    const registered = await createTestUser({ email: `${Date.now()}-reg@${orgC.domains[0]}` });
    expect((await call(registered, 'POST', '/onboarding/registration', { body: registration })).status).toBe(200);
    const res = await call(registered, 'PATCH', '/account/profile', { body: { jobTitle: 'CTO', siteAddress: { line1: '2 quai Saint-Antoine', city: 'Lyon', postalCode: '69002', country: 'FR' } } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.company).toMatchObject({ company: 'Acme', jobTitle: 'CTO', phone: '+33612345678', siteAddress: { city: 'Lyon' } });
    expect((await call(registered, 'GET', '/account/profile')).body.company.jobTitle).toBe('CTO');
  });

  it('rejects an empty change, the email (which changes through requestEmailChange), bad values and control characters', async () => {
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: {} }), 400, 'invalid_field');
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: { email: 'new@acme.example' } }), 400, 'unknown_field', 'body.email');
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: { phone: '0612345678' } }), 400, 'invalid_field', 'body.phone');
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: { locale: 'it' } }), 400, 'invalid_field', 'body.locale');
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: { name: 'A\r\nlevel=ERROR' } }), 400, 'invalid_field', 'body.name');
    expectError(await call(buyerAB, 'PATCH', '/account/profile', { body: { name: 'x'.repeat(101) } }), 400, 'invalid_field', 'body.name');
  });
});
