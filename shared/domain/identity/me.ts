import type { Principal } from './model.ts';

/** The `getMe` view of a principal. */
export function describeMe(p: Principal) {
  return {
    userId: p.userId,
    email: p.email,
    name: p.name,
    locale: p.locale,
    ...(p.phone ? { phone: p.phone } : {}),
    emailVerified: p.emailVerified,
    status: p.status,
    tier: p.tier,
    isStaff: p.isStaff,
    memberships: p.memberships.map((m) => ({
      orgId: m.orgId,
      orgName: m.orgName,
      orgKind: m.orgKind,
      role: m.role,
      accessGroup: m.accessGroup,
      active: m.orgId === p.activeOrg?.orgId,
    })),
    ...(p.profile.pendingReview ? { pendingReview: p.profile.pendingReview } : {}),
  };
}
