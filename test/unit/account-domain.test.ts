import { describe, expect, it, vi } from 'vitest';
import type { Invitation } from '#shared/domain/account/model.ts';
import { type DirectoryStore, RefusedWriteError } from '#shared/domain/account/ports.ts';
import { listDevices } from '#shared/domain/account/devices.ts';
import { acceptInvitation, inviteOrgUser, listMyInvitations, removeOrgUser, updateOrgUserRole } from '#shared/domain/account/users.ts';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionError } from '#shared/domain/errors.ts';
import type { Principal } from '#shared/domain/identity/model.ts';
import type { IdempotencyContext } from '#shared/domain/shared/idempotency.ts';
import { membership, profile } from '#test/builders/events.ts';

/** The account use cases against in-memory fakes of their ports: the decisions, not the storage. */

const NOW = new Date('2026-03-02T10:00:00.000Z');
const clock = { now: () => NOW };
const idem: IdempotencyContext = { scope: 'org_aaaaaaaa01#u1#inviteOrgUser', key: 'k1', fingerprint: 'f1' };
const business = { classify: async () => 'business' as const };

function principal(over: { role?: 'buyer' | 'site_admin'; tier?: Principal['tier']; memberships?: boolean; primaryOrgId?: string; freeMail?: boolean } = {}): Principal {
  const p = profile({ userId: 'u1', name: 'Ana', email: 'Ana@acme.example', tier: over.tier ?? 'enterprise', primaryOrgId: over.primaryOrgId, freeMail: over.freeMail });
  const m = membership({ userId: 'u1', role: over.role ?? 'site_admin' });
  const memberships = over.memberships === false ? [] : [m];
  return { ...p, profile: p, groups: [], isStaff: false, memberships, activeOrg: memberships[0] } as Principal;
}

/** A store whose methods fail loudly unless a test provides them. */
function fakeStore<T extends object>(over: Partial<T>): T {
  return new Proxy(over as T, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof T];
      return () => Promise.reject(new Error(`unexpected store call ${String(prop)}`));
    },
  });
}

const invitation = (over: Partial<Invitation> = {}): Invitation => ({
  orgId: 'org_bbbbbbbb02',
  orgName: 'Beta',
  orgKind: 'partner',
  email: 'ana@acme.example',
  role: 'finance',
  locale: 'en',
  invitedBy: { userId: 'u9', name: 'Bob' },
  createdAt: '2026-03-01T10:00:00.000Z',
  expiresAt: '2026-03-08T10:00:00.000Z',
  ...over,
});

describe('inviteOrgUser', () => {
  it('writes an invitation valid 7 days and its email in the invitee locale, linking to the portal', async () => {
    const putInvitation = vi.fn<DirectoryStore['putInvitation']>(async (_i, _e, _c, response) => ({ replayed: false, response }));
    const view = await inviteOrgUser({ email: ' Zoe@Acme.example ', role: 'buyer', locale: 'sv' }, principal(), idem, { store: { putInvitation }, classifier: business, clock, portalUrl: 'https://portal.example.com/' });
    expect(view).toMatchObject({ email: 'zoe@acme.example', role: 'buyer', expiresAt: '2026-03-09T10:00:00.000Z' });
    const [stored, email] = putInvitation.mock.calls[0] ?? [];
    expect(stored).toMatchObject({ orgId: 'org_aaaaaaaa01', orgKind: 'customer', invitedBy: { userId: 'u1', name: 'Ana' } });
    expect(email).toMatchObject({ template: 'org_invite', locale: 'sv', to: 'zoe@acme.example', data: { inviterName: 'Ana', role: 'buyer', signupUrl: 'https://portal.example.com/signup?invitation=org_aaaaaaaa01', expiresInDays: 7 } });
  });

  it('refuses free-mail or disposable addresses and the inviter\'s own address, writing nothing', async () => {
    const store = fakeStore<Pick<DirectoryStore, 'putInvitation'>>({});
    const freeMail = { classify: async () => 'free_mail' as const };
    await expect(inviteOrgUser({ email: 'zoe@gmail.com', role: 'buyer' }, principal(), idem, { store, classifier: freeMail, clock, portalUrl: 'https://p.example' })).rejects.toBeInstanceOf(PreconditionError);
    await expect(inviteOrgUser({ email: 'ana@ACME.example', role: 'buyer' }, principal(), idem, { store, classifier: business, clock, portalUrl: 'https://p.example' })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('acceptInvitation', () => {
  const accept = (auth: Principal, inv: Invitation | undefined, write = vi.fn<DirectoryStore['acceptInvitation']>(async () => undefined)) =>
    acceptInvitation('org_bbbbbbbb02', auth, { store: { getInvitation: async () => inv, acceptInvitation: write }, clock }).then((out) => ({ out, write }));

  it("gives a Basic account the org's tier, and makes the org primary when the account has none", async () => {
    const { out, write } = await accept(principal({ tier: 'basic', memberships: false }), invitation());
    expect(out).toEqual({ status: 'joined', organization: { orgId: 'org_bbbbbbbb02', orgName: 'Beta', role: 'finance', accessGroup: 'Partner' }, tier: 'partner' });
    expect(write.mock.calls[0]?.[0]).toMatchObject({ tier: 'partner', primaryOrgId: 'org_bbbbbbbb02', membership: { userId: 'u1', orgKind: 'partner', role: 'finance', joinedAt: NOW.toISOString() }, email: { template: 'org_joined', to: 'Ana@acme.example' } });
  });

  it('keeps the tier and the primary org of an account that already has them', async () => {
    const { write } = await accept(principal({ primaryOrgId: 'org_aaaaaaaa01' }), invitation());
    expect(write.mock.calls[0]?.[0]).toMatchObject({ tier: undefined, primaryOrgId: undefined });
  });

  it('answers 404 for an invitation that expired (at its expiry instant) or is gone, 409 for a member, 403 for free-mail', async () => {
    await expect(accept(principal(), invitation({ expiresAt: NOW.toISOString() }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(accept(principal(), undefined)).rejects.toBeInstanceOf(NotFoundError);
    const used = vi.fn<DirectoryStore['acceptInvitation']>(async () => Promise.reject(new RefusedWriteError('invitation_gone')));
    await expect(accept(principal(), invitation(), used)).rejects.toMatchObject({ code: 'invitation_not_found' });
    const member = principal();
    const inOrg = { ...member, memberships: [...member.memberships, membership({ orgId: 'org_bbbbbbbb02' })] } as Principal;
    await expect(accept(inOrg, invitation())).rejects.toMatchObject({ code: 'already_member' });
    await expect(accept(principal({ freeMail: true }), invitation())).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lists only unexpired invitations to orgs the caller is not in', async () => {
    const store = { invitationsFor: async () => [invitation(), invitation({ orgId: 'org_aaaaaaaa01' }), invitation({ orgId: 'org_cccccccc03', expiresAt: '2026-03-01T00:00:00.000Z' })] };
    const { items } = await listMyInvitations(principal(), { store, clock });
    expect(items.map((i) => i.orgId)).toEqual(['org_bbbbbbbb02']);
  });
});

describe('the last site admin', () => {
  const refusedAdmin = () => Promise.reject(new RefusedWriteError('site_admin', undefined, membership({ userId: 'u2', role: 'site_admin', joinedAt: '2026-01-05T00:00:00.000Z' })));

  it('is never demoted: with no other admin the answer is 409 and nothing is written', async () => {
    const store = fakeStore<Pick<DirectoryStore, 'setRole' | 'siteAdmins' | 'changeAdminKeeping'>>({ setRole: refusedAdmin, siteAdmins: async () => ['u2'] });
    await expect(updateOrgUserRole('u2', 'buyer', principal(), { store })).rejects.toMatchObject({ code: 'last_site_admin' });
    const removal = fakeStore<Pick<DirectoryStore, 'removeMember' | 'siteAdmins' | 'changeAdminKeeping'>>({ removeMember: refusedAdmin, siteAdmins: async () => [] });
    await expect(removeOrgUser('u2', principal(), { store: removal })).rejects.toMatchObject({ code: 'last_site_admin' });
  });

  it('is demoted with another admin as keeper, trying the next one when the index was stale', async () => {
    const changeAdminKeeping = vi.fn<DirectoryStore['changeAdminKeeping']>(async (_o, _u, _r, keeper) => {
      if (keeper === 'u3') throw new RefusedWriteError('keeper_gone');
    });
    const store = { setRole: refusedAdmin, siteAdmins: async () => ['u2', 'u3', 'u4'], changeAdminKeeping };
    expect(await updateOrgUserRole('u2', 'finance', principal(), { store })).toEqual({ userId: 'u2', role: 'finance', joinedAt: '2026-01-05T00:00:00.000Z' });
    expect(changeAdminKeeping.mock.calls.map((c) => c[3])).toEqual(['u3', 'u4']);
  });

  it('gives 409 when every other admin turned out to be gone', async () => {
    const store = { setRole: refusedAdmin, siteAdmins: async () => ['u3'], changeAdminKeeping: async () => Promise.reject(new RefusedWriteError('keeper_gone')) };
    await expect(updateOrgUserRole('u2', 'buyer', principal(), { store })).rejects.toMatchObject({ code: 'last_site_admin' });
  });
});

describe('listDevices in a group', () => {
  it('reads the group with the first page, and beside the later pages', async () => {
    const group = { orgId: 'org_aaaaaaaa01', groupId: 'dgr_1', name: 'G', criteria: { serials: ['A-1'], families: [], sites: [] }, createdBy: { userId: 'u1', name: 'Ana' }, createdAt: '', updatedAt: '' };
    const asset = (serial: string) => ({ orgId: 'org_aaaaaaaa01', serial, idKind: 'serial_number' as const, model: 'M', family: 'F', warranty: { plan: 'basic' as const, endDate: '2027-01-01' }, source: { kind: 'import' as const, importedBy: 's' }, updatedAt: '' });
    const groupPage = vi.fn(async (_o: string, _g: string, _l: number, after?: Record<string, unknown>) =>
      after ? { items: [asset('B-2'), asset('A-1')], lastKey: undefined } : { items: [asset('C-3')], lastKey: { pk: 'p', sk: 's' }, group },
    );
    const getDeviceGroup = vi.fn(async () => group);
    const cursors = { encode: async (k: Record<string, unknown> | undefined) => (k ? JSON.stringify(k) : undefined), decode: async (c: string | undefined) => (c ? JSON.parse(c) : undefined) };
    const store = { listAssets: async () => ({ items: [] }), groupPage, getDeviceGroup };
    const first = await listDevices({ groupId: 'dgr_1', limit: 1 }, principal(), { store, cursors, clock });
    expect(first.items).toEqual([]);
    expect(getDeviceGroup).not.toHaveBeenCalled();
    const second = await listDevices({ groupId: 'dgr_1', limit: 1, cursor: first.nextCursor }, principal(), { store, cursors, clock });
    expect(second.items.map((d) => d.serial)).toEqual(['A-1']);
    expect(getDeviceGroup).toHaveBeenCalledOnce();
    await expect(listDevices({ groupId: 'dgr_x', limit: 1 }, principal(), { store: { ...store, groupPage: async () => ({ items: [] }) }, cursors, clock })).rejects.toMatchObject({ code: 'device_group_not_found' });
  });
});
