import type { Locale, OrgRole, Tier } from '#shared/domain/shared/vocabulary.ts';

export type AccountStatus = 'pending_verification' | 'active' | 'cancelled' | 'disabled';
/** ON-5: what the account may see and do. */
export type { Tier };
export type OrgKind = 'customer' | 'partner';

export interface UserProfile {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
  phone?: string | undefined;
  emailVerified: boolean;
  status: AccountStatus;
  tier: Tier;
  /** The org used when a request names none (X-Org-Id). */
  primaryOrgId?: string | undefined;
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
}

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

/** Port: loads what the authorization decisions need about a user, in one read. */
export interface PrincipalStore {
  load(userId: string): Promise<{ profile: UserProfile; memberships: Membership[] } | undefined>;
}
