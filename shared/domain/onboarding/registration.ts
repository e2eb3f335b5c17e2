import type { EmailRequest } from '#shared/domain/email/ports.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/domain/errors.ts';
import {
  ACCESS_GROUP,
  type DomainOwner,
  type Membership,
  type OrgKind,
  type Principal,
  type Registration,
  TIER_OF_KIND,
  type Tier,
  type UserProfile,
  memberCopiesOf,
} from '#shared/domain/identity/model.ts';
import type { Clock } from '#shared/lib/ids.ts';
import { type OwnersBasis, type OwnersBySuffix, StaleOwnersError, withDomainOwners } from './domain-owners.ts';
import { domainSuffixes } from './email-domains.ts';

/**
 * Port over what registration reads and writes. Each write takes the basis of its decision (`owners`): decided
 * from the profile's snapshot, it also checks that the domain's owner items are still exactly as the snapshot
 * says, and throws StaleOwnersError (nothing written) if one is not; decided from a read, it stores that read
 * on the profile as the new snapshot.
 */
export interface RegistrationStore {
  /** The owners of each of these domains that has any (one read). */
  domainOwners(domains: string[]): Promise<{ domain: string; owners: DomainOwner[] }[]>;
  /** Saves the registration details and the tier (and the candidates to choose from, if several). */
  saveRegistration(
    userId: string,
    registration: Registration,
    tier: Tier,
    candidates: { orgId: string; orgName: string }[] | undefined,
    now: Date,
    owners: OwnersBasis,
  ): Promise<void>;
  /** Attaches the user to the org: membership, profile (tier, primary org, registration), confirmation email; one transaction. */
  join(input: { membership: Membership; registration: Registration; tier: Tier; email: EmailRequest; now: Date; owners: OwnersBasis }): Promise<void>;
}

export interface RegistrationDeps {
  store: RegistrationStore;
  clock: Clock;
}

export type RegistrationInput = Omit<Registration, 'submittedAt'>;

export type RegistrationOutcome =
  | { status: 'joined'; organization: { orgId: string; orgName: string; role: Membership['role']; accessGroup: string } }
  | { status: 'choose_organization'; candidates: { orgId: string; orgName: string }[] }
  | { status: 'organization_unknown' };

/** Which org kinds a relationship may join automatically; a prospective partner always goes to review. */
const JOINABLE: Record<Registration['relationship'], readonly OrgKind[]> = {
  customer_employee: ['customer'],
  partner_employee: ['partner'],
  prospective_partner: [],
};

function assertMayRegister(p: Principal) {
  if (p.profile.freeMail || !p.profile.emailDomain) {
    throw new ForbiddenError(
      'free_mail_domain',
      'Company access needs a business email address. Accounts with a free-mail or disposable address keep Basic access.',
    );
  }
  if (p.memberships.length > 0) throw new ConflictError('already_member', 'This account already belongs to an organization.');
  if (p.profile.pendingReview) throw new ConflictError('review_pending', 'Your organization is being reviewed; we will email you the decision.');
}

/**
 * The candidate orgs for a verified email domain: the owners of its longest registered suffix (a subdomain
 * matches its parent), restricted to the kinds the stated relationship may join.
 */
export async function candidatesFor(domain: string, relationship: Registration['relationship'], store: Pick<RegistrationStore, 'domainOwners'>): Promise<DomainOwner[]> {
  return candidatesAmong(domain, relationship, await store.domainOwners(domainSuffixes(domain)));
}

/** candidatesFor, on owners read already (or recorded in the profile's snapshot). */
export function candidatesAmong(domain: string, relationship: Registration['relationship'], found: OwnersBySuffix): DomainOwner[] {
  const suffixes = domainSuffixes(domain);
  const longest = suffixes.map((s) => found.find((f) => f.domain === s && f.owners.length > 0)).find(Boolean);
  if (!longest) return [];
  const kinds = JOINABLE[relationship];
  return longest.owners.filter((o) => kinds.includes(o.kind ?? 'customer'));
}

function joinInput(p: Principal, owner: DomainOwner, registration: Registration, now: Date, owners: OwnersBasis) {
  const kind = owner.kind ?? 'customer';
  const membership: Membership = {
    userId: p.userId,
    orgId: owner.orgId,
    orgName: owner.orgName,
    orgKind: kind,
    role: owner.defaultRole ?? 'buyer',
    accessGroup: ACCESS_GROUP[kind],
    joinedAt: now.toISOString(),
    ...memberCopiesOf(p.profile),
  };
  const email: EmailRequest = {
    template: 'org_joined',
    locale: p.locale,
    to: p.email,
    data: { name: p.name, orgName: owner.orgName, role: membership.role, accessGroup: membership.accessGroup },
  };
  return { membership, registration, tier: TIER_OF_KIND[kind], email, now, owners };
}

/**
 * ON-3/ON-4: the user says who they are; the verified email domain decides what happens. Exactly one
 * matching org: attached at once with its default role and a confirmation email. Several: the user picks
 * one of those (chooseOrganization). None: the organization goes to manual review.
 *
 * The domain's owners come from the profile's snapshot (no read: P1 then one transaction) when it has one;
 * the transaction then checks they are still so, and if not, they are read (P2) and the decision is taken
 * again, exactly as without a snapshot (see withDomainOwners).
 */
export async function submitRegistration(p: Principal, input: RegistrationInput, deps: RegistrationDeps): Promise<RegistrationOutcome> {
  assertMayRegister(p);
  const now = deps.clock.now();
  const registration: Registration = { ...input, submittedAt: now.toISOString() };
  const domain = p.profile.emailDomain as string;
  return withDomainOwners(p.profile, (d) => deps.store.domainOwners(d), now, async (found, owners) => {
    const candidates = candidatesAmong(domain, input.relationship, found);
    if (candidates.length === 1) {
      const j = joinInput(p, candidates[0] as DomainOwner, registration, now, owners);
      await deps.store.join(j);
      return joined(j.membership);
    }
    const offered = candidates.map(({ orgId, orgName }) => ({ orgId, orgName }));
    await deps.store.saveRegistration(p.userId, registration, 'limited', offered.length > 1 ? offered : undefined, now, owners);
    return offered.length > 1 ? { status: 'choose_organization', candidates: offered } : { status: 'organization_unknown' };
  });
}

/** ON-4, several owners: only one of the orgs that own the user's domain today may be chosen. */
export async function chooseOrganization(p: Principal, orgId: string, deps: RegistrationDeps): Promise<RegistrationOutcome> {
  assertMayRegister(p);
  const registration = p.profile.registration;
  if (!registration) throw new ConflictError('registration_required', 'Submit your registration details first.');
  const now = deps.clock.now();
  return withDomainOwners(p.profile, (d) => deps.store.domainOwners(d), now, async (found, owners) => {
    const owner = candidatesAmong(p.profile.emailDomain as string, registration.relationship, found).find((o) => o.orgId === orgId);
    if (!owner) {
      // A refusal writes nothing that could prove the snapshot current: only a read can confirm it.
      if (owners.source === 'snapshot') throw new StaleOwnersError('refusal decided from the snapshot');
      // Not a candidate answers like a missing org: no probing of other orgs' ids.
      throw new NotFoundError('org_not_found', 'No such organization.', 'body.orgId');
    }
    const j = joinInput(p, owner, registration, now, owners);
    await deps.store.join(j);
    return joined(j.membership);
  });
}

function joined(m: Membership): RegistrationOutcome {
  return { status: 'joined', organization: { orgId: m.orgId, orgName: m.orgName, role: m.role, accessGroup: m.accessGroup } };
}

export type OnboardingStep = 'register' | 'choose_organization' | 'submit_organization' | 'pending_review' | 'complete' | 'basic_only';

/** Where the user stands (ON-3..ON-5), from the principal alone (no extra read). */
export function onboardingStatus(p: Principal) {
  const profile: UserProfile = p.profile;
  let step: OnboardingStep;
  if (p.memberships.length > 0) step = 'complete';
  else if (profile.freeMail) step = 'basic_only';
  else if (profile.pendingReview) step = 'pending_review';
  else if (!profile.registration) step = 'register';
  else if (profile.orgCandidates && profile.orgCandidates.length > 1) step = 'choose_organization';
  else step = 'submit_organization';
  return {
    step,
    tier: profile.tier,
    emailVerified: profile.emailVerified,
    ...(profile.registration ? { registration: profile.registration } : {}),
    ...(step === 'choose_organization' ? { candidates: profile.orgCandidates } : {}),
    ...(profile.pendingReview ? { pendingReview: profile.pendingReview } : {}),
  };
}
