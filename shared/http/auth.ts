import type { RouteAuth } from '#shared/contracts/route.ts';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '#shared/domain/errors.ts';
import type { Principal, PrincipalStore } from '#shared/domain/identity/model.ts';

/** Claims as API Gateway's JWT authorizer (or the local server) hands them to the function. */
export type JwtClaims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway passes array claims as the string "[a b]"; the local server passes arrays. Both become arrays.
 */
export function groupsFromClaims(claims: JwtClaims): string[] {
  const raw = claims['cognito:groups'];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string' && raw.length > 0) {
    return raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  }
  return [];
}

export interface AuthOptions {
  store: PrincipalStore;
  staffGroup: string;
}

/**
 * Turns verified token claims into the request's principal and applies the route's rule. The token only
 * proves who the caller is; status, verification, tier and memberships are read from the table.
 */
export async function authorize(
  rule: Exclude<RouteAuth, { kind: 'public' }>,
  claims: JwtClaims | undefined,
  requestedOrgId: string | undefined,
  opts: AuthOptions,
): Promise<Principal> {
  if (!claims || typeof claims.sub !== 'string') {
    throw new UnauthenticatedError('missing_token', 'Sign in and send the access token as a Bearer token.');
  }
  // The HTTP API JWT authorizer accepts ID tokens too (their aud is the client id); only access tokens count here.
  if (claims.token_use !== 'access') {
    throw new UnauthenticatedError('wrong_token_type', 'Send an access token, not an ID token.');
  }
  const loaded = await opts.store.load(claims.sub);
  if (!loaded) throw new ForbiddenError('account_not_found', 'This account has no portal profile.');
  const { profile, memberships } = loaded;
  if (profile.status === 'cancelled' || profile.status === 'disabled') {
    throw new ForbiddenError('account_inactive', 'This account is cancelled or disabled.');
  }
  const groups = groupsFromClaims(claims);
  const isStaff = groups.includes(opts.staffGroup);

  let activeOrg = undefined;
  if (requestedOrgId !== undefined) {
    activeOrg = memberships.find((m) => m.orgId === requestedOrgId);
    // A foreign org id answers exactly like a missing one.
    if (!activeOrg) throw new NotFoundError('org_not_found', 'No such organization.', 'header.x-org-id');
  } else {
    activeOrg = memberships.find((m) => m.orgId === profile.primaryOrgId) ?? memberships[0];
  }

  const principal: Principal = {
    userId: profile.userId,
    email: profile.email,
    name: profile.name,
    phone: profile.phone,
    profile,
    emailVerified: profile.emailVerified,
    locale: profile.locale,
    status: profile.status,
    tier: profile.tier,
    groups,
    isStaff,
    memberships,
    activeOrg,
  };

  if (rule.kind === 'staff') {
    if (!isStaff) throw new ForbiddenError('staff_only', 'Only vendor staff may do this.');
    return principal;
  }
  if (!profile.emailVerified && !rule.allowUnverified) {
    throw new ForbiddenError('email_not_verified', 'Verify your email address first.');
  }
  if (rule.tiers && !rule.tiers.includes(profile.tier)) {
    throw new ForbiddenError('tier_forbidden', `This needs an account tier of ${rule.tiers.join(' or ')}; yours is ${profile.tier}.`);
  }
  if ((rule.org || rule.roles) && !activeOrg) {
    throw new ForbiddenError('org_membership_required', 'This needs company access: join or register your organization first.');
  }
  if (rule.roles && activeOrg && !rule.roles.includes(activeOrg.role)) {
    throw new ForbiddenError('role_forbidden', `Your role (${activeOrg.role}) may not do this.`);
  }
  return principal;
}
