import { describe, expect, it } from 'vitest';
import type { DomainOwner, Principal, UserProfile } from '#shared/domain/identity/model.ts';
import { type DomainOwnersSnapshot, type OwnersBasis, type OwnersBySuffix, StaleOwnersError, snapshotOf, takeSnapshot } from '#shared/domain/onboarding/domain-owners.ts';
import { type RegistrationStore, chooseOrganization, submitRegistration } from '#shared/domain/onboarding/registration.ts';
import { NotFoundError } from '#shared/domain/errors.ts';

const NOW = new Date('2026-03-06T10:00:00.000Z');
const owner = (orgId: string, over: Partial<DomainOwner> = {}): DomainOwner => ({ orgId, orgName: `Org ${orgId}`, kind: 'customer', defaultRole: 'buyer', ...over });
const REGISTRATION = {
  relationship: 'customer_employee' as const,
  company: 'Acme',
  jobTitle: 'IT lead',
  phone: '+33612345678',
  country: 'FR',
  siteAddress: { line1: '1 rue A', city: 'Lyon', postalCode: '69001', country: 'FR' },
};

/** The table's owner items, and a store whose writes check a snapshot basis against them (as the DynamoDB one does). */
function memory(table: Map<string, DomainOwner[]>) {
  const reads: string[][] = [];
  const writes: { kind: string; basis: OwnersBasis['source']; orgId?: string }[] = [];
  const check = (basis: OwnersBasis) => {
    if (basis.source !== 'snapshot') return;
    const s = basis.snapshot;
    const now = takeSnapshot(s.domain, [...table].map(([domain, owners]) => ({ domain, owners })), NOW);
    if (JSON.stringify(now.found) !== JSON.stringify(s.found)) throw new StaleOwnersError('changed');
  };
  const store: RegistrationStore = {
    async domainOwners(domains) {
      reads.push(domains);
      return domains.filter((d) => table.has(d)).map((domain) => ({ domain, owners: structuredClone(table.get(domain) ?? []) }));
    },
    async saveRegistration(_u, _r, _t, _c, _n, owners) {
      check(owners);
      writes.push({ kind: 'save', basis: owners.source });
    },
    async join({ membership, owners }) {
      check(owners);
      writes.push({ kind: 'join', basis: owners.source, orgId: membership.orgId });
    },
  };
  return { store, reads, writes };
}

function principal(email: string, snapshot?: DomainOwnersSnapshot, over: Partial<UserProfile> = {}): Principal {
  const profile = {
    userId: 'user-1',
    email,
    name: 'Ann',
    locale: 'en',
    emailVerified: true,
    status: 'active',
    tier: 'basic',
    emailDomain: email.split('@')[1],
    freeMail: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...(snapshot ? { domainOwners: snapshot } : {}),
    ...over,
  } as UserProfile;
  return { userId: 'user-1', email, name: 'Ann', profile, emailVerified: true, locale: 'en', status: 'active', tier: 'basic', groups: [], isStaff: false, memberships: [] };
}

const snap = (domain: string, found: OwnersBySuffix) => takeSnapshot(domain, found, NOW);
const deps = (store: RegistrationStore) => ({ store, clock: { now: () => NOW } });

describe('registration with the domain owners snapshot', () => {
  it('decides and writes from a current snapshot without reading the owners', async () => {
    const table = new Map([['acme.example', [owner('org_a')]]]);
    const m = memory(table);
    const out = await submitRegistration(principal('ann@eu.acme.example', snap('eu.acme.example', [{ domain: 'acme.example', owners: [owner('org_a')] }])), REGISTRATION, deps(m.store));
    expect(out).toMatchObject({ status: 'joined', organization: { orgId: 'org_a' } });
    expect(m.reads).toEqual([]);
    expect(m.writes).toEqual([{ kind: 'join', basis: 'snapshot', orgId: 'org_a' }]);
  });

  it('reads and decides again when the write finds the snapshot stale, with the answer a read gives', async () => {
    const table = new Map([['acme.example', [owner('org_a')]]]);
    const m = memory(table);
    const out = await submitRegistration(principal('ann@acme.example', snap('acme.example', [])), REGISTRATION, deps(m.store));
    expect(out).toMatchObject({ status: 'joined', organization: { orgId: 'org_a' } });
    expect(m.reads).toEqual([['acme.example']]);
    expect(m.writes).toEqual([{ kind: 'join', basis: 'read', orgId: 'org_a' }]);
  });

  it('ignores a snapshot of another domain (the email changed) and reads', async () => {
    const m = memory(new Map());
    const out = await submitRegistration(principal('ann@new.example', snap('old.example', [])), REGISTRATION, deps(m.store));
    expect(out).toEqual({ status: 'organization_unknown' });
    expect(m.reads).toEqual([['new.example']]);
    expect(m.writes).toEqual([{ kind: 'save', basis: 'read' }]);
  });

  it('confirms a refusal decided from the snapshot with a read before answering 404', async () => {
    const owners = [owner('org_n'), owner('org_s')];
    const m = memory(new Map([['shared.example', owners]]));
    const p = principal('ann@shared.example', snap('shared.example', [{ domain: 'shared.example', owners }]), { registration: { ...REGISTRATION, submittedAt: NOW.toISOString() } });
    await expect(chooseOrganization(p, 'org_other', deps(m.store))).rejects.toBeInstanceOf(NotFoundError);
    expect(m.reads).toEqual([['shared.example']]);
    expect(m.writes).toEqual([]);
    expect(await chooseOrganization(p, 'org_s', deps(m.store))).toMatchObject({ status: 'joined', organization: { orgId: 'org_s' } });
    expect(m.writes).toEqual([{ kind: 'join', basis: 'snapshot', orgId: 'org_s' }]);
  });

  it('reads a snapshot off the profile only when well formed and of the current domain', () => {
    const s = snap('acme.example', []);
    expect(snapshotOf(principal('a@acme.example', s).profile)).toEqual(s);
    expect(snapshotOf(principal('a@ACME.example', s, { emailDomain: 'ACME.example' }).profile)).toEqual(s);
    expect(snapshotOf(principal('a@other.example', s).profile)).toBeUndefined();
    expect(snapshotOf(principal('a@acme.example', { domain: 'acme.example' } as DomainOwnersSnapshot).profile)).toBeUndefined();
    expect(snapshotOf(principal('a@acme.example').profile)).toBeUndefined();
  });
});
