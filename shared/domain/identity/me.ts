import type { UnpaidInvoice } from '../billing/model.ts';
import type { Principal } from './model.ts';

/** Who sees the org's pending payments at sign-in (BI-3): those who may pay them. */
export const PAYMENT_ROLES = ['site_admin', 'finance'] as const;

/** BI-3: unpaid invoices past due, oldest due first. */
export function pendingPayments(unpaid: readonly UnpaidInvoice[], now: Date) {
  const today = now.toISOString().slice(0, 10);
  return unpaid
    .filter((u) => u.dueDate < today)
    .slice(0, 100)
    .map((u) => ({ invoiceId: u.invoiceId, number: u.number, dueDate: u.dueDate, total: { amountMinor: u.totalMinor, currency: u.currency } }));
}

/** Whether getMe reads the active org's billing summary for this caller. */
export const seesPendingPayments = (p: Principal) => p.activeOrg !== undefined && (PAYMENT_ROLES as readonly string[]).includes(p.activeOrg.role);

/** The `getMe` view of a principal (and, for site admins and finance, the org's pending payments). */
export function describeMe(p: Principal, payments?: ReturnType<typeof pendingPayments>) {
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
    ...(payments && payments.length > 0 ? { pendingPayments: payments } : {}),
  };
}
