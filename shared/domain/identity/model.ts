import type { Locale, OrgRole, Tier } from '#shared/domain/shared/vocabulary.ts';

export type AccountStatus = 'pending_verification' | 'active' | 'cancelled' | 'disabled';
/** ON-5: what the account may see and do. */
export type { Tier };
export type OrgKind = 'customer' | 'partner';

/** ON-3: who the user says they are. */
export type Relationship = 'customer_employee' | 'partner_employee' | 'prospective_partner';

export interface PostalAddress {
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  region?: string | undefined;
  country: string;
}

/** ON-3 business registration details, given after the email is verified. */
export interface Registration {
  relationship: Relationship;
  company: string;
  jobTitle: string;
  phone: string;
  country: string;
  siteAddress: PostalAddress;
  submittedAt: string;
}

/** A manual review the user is waiting for (denormalized on the profile so getMe needs no extra read). */
export interface PendingReview {
  reviewId: string;
  reference: string;
  kind: 'organization' | 'upgrade' | 'reactivation';
  expectedBy: string;
}

export interface UserProfile {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
  phone?: string | undefined;
  emailVerified: boolean;
  status: AccountStatus;
  tier: Tier;
  /** The verified email's domain, and whether it is a free-mail or disposable one (never joins an org). */
  emailDomain?: string | undefined;
  freeMail?: boolean | undefined;
  registration?: Registration | undefined;
  /** Orgs sharing the user's domain, offered by registration when several match (ON-4). */
  orgCandidates?: { orgId: string; orgName: string }[] | undefined;
  pendingReview?: PendingReview | undefined;
  /** The org used when a request names none (X-Org-Id). */
  primaryOrgId?: string | undefined;
  /**
   * Moves on with every membership added to the account. A write of the member copies (a rename, an email
   * change: see Membership) is conditional on the value its principal read, so it cannot miss a membership
   * added meanwhile. Absent until the first membership written with copies.
   */
  membershipsVersion?: number | undefined;
  createdAt: string;
  updatedAt: string;
}

export interface Membership {
  userId: string;
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  role: OrgRole;
  /** The access group shown in the account header (AC-1), e.g. "Enterprise customer". */
  accessGroup: string;
  joinedAt: string;
  /**
   * Copies of the member's profile name and email, for the org's user list (AC-2), which reads the
   * memberships alone. Every write of the profile's name or email updates them in the same transaction, and a
   * membership is created with them; absent only on items written before the copies existed.
   */
  userName?: string | undefined;
  userEmail?: string | undefined;
}

/** What a membership copies from its member's profile; every membership is written with them. */
export type MemberCopies = { userName: string; userEmail: string };

/** The copies of a profile's name and email. */
export const memberCopiesOf = (p: Pick<UserProfile, 'name' | 'email'>): MemberCopies => ({ userName: p.name, userEmail: p.email });

export interface Org {
  orgId: string;
  name: string;
  kind: OrgKind;
  country: string;
  domains: string[];
  defaultRole: OrgRole;
  ssoEnabled: boolean;
  createdAt: string;
}

/** The caller of a request, resolved from a verified token plus the table (never from request fields). */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  phone?: string | undefined;
  /** The whole profile as loaded (registration, pending review, email domain...). */
  profile: UserProfile;
  emailVerified: boolean;
  locale: Locale;
  status: AccountStatus;
  tier: Tier;
  groups: readonly string[];
  isStaff: boolean;
  memberships: readonly Membership[];
  /** The membership the request acts in: `X-Org-Id` if it names one of `memberships`, else the primary one. */
  activeOrg?: Membership | undefined;
}

/** An org owning an email domain, as the domain item lists it (enough to match and join without reading the org). */
export interface DomainOwner {
  orgId: string;
  orgName: string;
  kind?: OrgKind | undefined;
  defaultRole?: OrgRole | undefined;
}

export const ACCESS_GROUP: Record<OrgKind, string> = { customer: 'Enterprise customer', partner: 'Partner' };
export const TIER_OF_KIND: Record<OrgKind, Tier> = { customer: 'enterprise', partner: 'partner' };

/** Port: loads what the authorization decisions need about a user, in one read. */
export interface PrincipalStore {
  load(userId: string): Promise<{ profile: UserProfile; memberships: Membership[] } | undefined>;
}
