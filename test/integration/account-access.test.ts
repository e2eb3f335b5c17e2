import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '#shared/contracts/route.ts';
import { accountRoutes } from '#shared/contracts/routes/account.ts';
import { ORG_ROLES, type OrgRole } from '#shared/domain/shared/vocabulary.ts';
import { type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * Authorization of every account route, from the route table: a call from a role the route does not
 * allow, from a non-staff user on a staff route, from an account without company access, or without a
 * token, is refused by the HTTP layer (401/403) after the principal read alone: no other read, no write.
 */

let api: TestApi;
const byRole = {} as Record<OrgRole, TestUser>;
let noOrg: TestUser;
let orgId: string;

const PARAMS: Record<string, string> = {
  email: 'someone@acme.example',
  userId: 'user-1',
  orgId: 'org_doesnotexist0000',
  addressId: `adr_${'0'.repeat(20)}`,
  profileId: `xcp_${'0'.repeat(20)}`,
  groupId: `dgr_${'0'.repeat(20)}`,
  documentId: `doc_${'0'.repeat(20)}`,
  ticketId: `tkt_${'0'.repeat(20)}`,
  kind: 'orders',
};
const concrete = (path: string) => path.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => encodeURIComponent(PARAMS[name] ?? 'x'));

const routes = accountRoutes as readonly RouteSpec[];
const send = (route: RouteSpec, user?: TestUser) =>
  api.call(route.method, concrete(route.path), {
    ...(user ? { token: user.tokens.accessToken } : {}),
    ...(route.request.body ? { body: {} } : {}),
    headers: { 'idempotency-key': 'access-test' },
  });

beforeAll(async () => {
  api = await startTestApi();
  const org = await createTestOrg();
  orgId = org.orgId;
  const users = await Promise.all(ORG_ROLES.map((role) => createTestUser({ org: { org, role } })));
  ORG_ROLES.forEach((role, i) => (byRole[role] = users[i] as TestUser));
  noOrg = await createTestUser({ tier: 'enterprise' });
});
afterAll(() => api.close());

const forbiddenPairs = routes.flatMap((r) =>
  r.auth.kind === 'user' && r.auth.roles ? ORG_ROLES.filter((role) => !(r.auth as { roles: readonly OrgRole[] }).roles.includes(role)).map((role) => [r.operationId, role, r] as const) : [],
);

describe('account routes', () => {
  it('cover the operations of the issue', () => {
    const ids = routes.map((r) => r.operationId);
    for (const id of ['getAccount', 'listOrgUsers', 'inviteOrgUser', 'updateOrgUserRole', 'removeOrgUser', 'listAddresses', 'createAddress', 'updateAddress', 'deleteAddress', 'listRecentOrders', 'reorder', 'listDevices', 'createDeviceGroup', 'listDeviceGroups', 'updateDeviceGroup', 'deleteDeviceGroup', 'listServiceContracts', 'renewServiceContract', 'listContacts', 'listDocuments', 'getReport', 'updateProfile', 'acceptInvitation']) {
      expect(ids).toContain(id);
    }
    expect(forbiddenPairs.length).toBeGreaterThan(30);
  });

  it.each(forbiddenPairs.map(([id, role, r]) => [id, role, r] as const))('%s answers 403 role_forbidden to a %s, after the principal read alone', async (_id, role, route) => {
    const { result: res, calls } = await countDynamoCalls(() => send(route, byRole[role]));
    expect(res.status, res.text).toBe(403);
    expect(res.body.error.code).toBe('role_forbidden');
    expect(calls).toEqual(['QueryCommand']);
  });

  it.each(routes.filter((r) => r.auth.kind === 'staff').map((r) => [r.operationId, r] as const))('%s answers 403 staff_only to a site admin', async (_id, route) => {
    const { result: res, calls } = await countDynamoCalls(() => send(route, byRole.site_admin));
    expect(res.status, res.text).toBe(403);
    expect(res.body.error.code).toBe('staff_only');
    expect(calls).toEqual(['QueryCommand']);
  });

  it.each(routes.filter((r) => r.auth.kind === 'user' && r.auth.org).map((r) => [r.operationId, r] as const))('%s answers 403 org_membership_required without company access', async (_id, route) => {
    const res = await send(route, noOrg);
    expect(res.status, res.text).toBe(403);
    expect(res.body.error.code).toBe('org_membership_required');
  });

  it.each(routes.filter((r) => r.auth.kind === 'user' && r.auth.org).map((r) => [r.operationId, r] as const))('%s answers a foreign X-Org-Id with 404 org_not_found', async (_id, route) => {
    const res = await api.call(route.method, concrete(route.path), { token: byRole.site_admin.tokens.accessToken, headers: { 'x-org-id': 'org_someoneelse000' } });
    expect(res.status, res.text).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'org_not_found', param: 'header.x-org-id' });
    expect(orgId).not.toBe('org_someoneelse000');
  });

  it.each(routes.map((r) => [r.operationId, r] as const))('%s answers 401 without a token', async (_id, route) => {
    const res = await send(route);
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('authentication_error');
  });
});
