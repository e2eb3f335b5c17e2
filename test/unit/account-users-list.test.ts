import { describe, expect, it, vi } from 'vitest';
import type { DirectoryStore } from '#shared/domain/account/ports.ts';
import { listOrgUsers, memberView } from '#shared/domain/account/users.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import type { Org, Principal } from '#shared/domain/identity/model.ts';
import { membership, profile } from '#test/builders/events.ts';
import { clearCursors } from '#test/support/cursors.ts';

/** listOrgUsers from one read of the user list: names from the membership copies, SSO from the org or the cursor. */

const clock = { now: () => new Date('2026-03-02T10:00:00.000Z') };
const p = profile({ userId: 'u1', name: 'Ana', email: 'ana@acme.example' });
const me = membership({ userId: 'u1', role: 'site_admin', userName: 'Ana', userEmail: 'ana@acme.example' });
const auth = { ...p, profile: p, groups: [], isStaff: false, memberships: [me], activeOrg: me } as Principal;
const org: Org = { orgId: 'org_aaaaaaaa01', name: 'Acme', kind: 'customer', country: 'FR', domains: ['acme.example'], defaultRole: 'buyer', ssoEnabled: true, createdAt: '2026-01-01T00:00:00.000Z' };

const cursors = clearCursors;

describe('listOrgUsers', () => {
  it("shows members' names and emails from their memberships, the SSO status from the org item, and passes the status on in the cursor", async () => {
    const listOrgDirectory = vi.fn<DirectoryStore['listOrgDirectory']>(async () => ({
      members: [me, membership({ userId: 'u2', role: 'buyer', userName: 'Bo', userEmail: 'bo@acme.example' })],
      invitations: [],
      org,
      lastKey: { pk: 'USER#u2', sk: 'MEMBER#org_aaaaaaaa01' },
    }));
    const first = await listOrgUsers({ limit: 2 }, auth, { store: { listOrgDirectory }, cursors, clock });
    expect(first.sso).toEqual({ enabled: true, managedBy: 'vendor' });
    expect(first.members).toEqual([
      { userId: 'u1', name: 'Ana', email: 'ana@acme.example', role: 'site_admin', joinedAt: me.joinedAt, you: true },
      { userId: 'u2', name: 'Bo', email: 'bo@acme.example', role: 'buyer', joinedAt: me.joinedAt, you: false },
    ]);
    expect(JSON.parse(first.nextCursor as string).k).toEqual({ k: { pk: 'USER#u2', sk: 'MEMBER#org_aaaaaaaa01' }, sso: true });

    // A later page: no org item in the range; the status comes from the cursor, the key goes to the store.
    listOrgDirectory.mockImplementationOnce(async () => ({ members: [], invitations: [] }));
    const next = await listOrgUsers({ limit: 2, cursor: first.nextCursor }, auth, { store: { listOrgDirectory }, cursors, clock });
    expect(listOrgDirectory.mock.calls[1]?.[2]).toEqual({ pk: 'USER#u2', sk: 'MEMBER#org_aaaaaaaa01' });
    expect(next).toEqual({ sso: { enabled: true, managedBy: 'vendor' }, members: [], invitations: [] });
  });

  it('treats an org item missing from the list as SSO off (as a missing org was before), and refuses a cursor without the status', async () => {
    const listOrgDirectory = vi.fn<DirectoryStore['listOrgDirectory']>(async () => ({ members: [], invitations: [] }));
    const out = await listOrgUsers({ limit: 10 }, auth, { store: { listOrgDirectory }, cursors, clock });
    expect(out.sso.enabled).toBe(false);
    const plain = await cursors.encode({ pk: 'x', sk: 'y' }, ['account-users', org.orgId, 'u1'].join('|'));
    await expect(listOrgUsers({ limit: 10, cursor: plain }, auth, { store: { listOrgDirectory }, cursors, clock })).rejects.toBeInstanceOf(ValidationError);
  });

  it('shows a membership without copies (written before them) without name and email', () => {
    expect(memberView(membership({ userId: 'u3' }), auth)).toEqual({ userId: 'u3', role: 'buyer', joinedAt: me.joinedAt, you: false });
  });
});
