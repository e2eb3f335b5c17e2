import * as z from 'zod/mini';
import { Email, Locale, OrgRole, shakable } from '../common.ts';
import { text, withMeta } from '../common.ts';
import { defineRoute } from '../route.ts';

export const MembershipView = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    orgId: text(44),
    orgName: text(120),
    orgKind: z.enum(['customer', 'partner']),
    role: OrgRole,
    accessGroup: text(64),
    active: withMeta(z.boolean(), { description: 'The org this request acted in.' }),
  }), { id: 'Membership' }));

export const Me = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    userId: text(128),
    email: Email,
    name: text(100),
    locale: Locale,
    phone: z.optional(text(16)),
    emailVerified: z.boolean(),
    status: z.enum(['pending_verification', 'active', 'cancelled', 'disabled']),
    tier: withMeta(z.enum(['basic', 'limited', 'enterprise', 'partner']), { description: 'ON-5 account tier.' }),
    isStaff: z.boolean(),
    memberships: z.array(MembershipView).check(z.maxLength(100)),
    pendingReview: z.optional(z.strictObject({
        reviewId: text(30),
        reference: text(8),
        kind: z.enum(['organization', 'upgrade', 'reactivation']),
        expectedBy: withMeta(text(40), { description: 'When a decision is expected (manual review: 1-2 business days).' }),
      })),
    pendingPayments: withMeta(z.optional(z.array(z.strictObject({
        invoiceId: text(24),
        number: text(20),
        dueDate: text(10),
        total: z.strictObject({ amountMinor: withMeta(z.int().check(z.minimum(-2_147_483_648), z.maximum(2_147_483_647)), { format: 'int32' }), currency: text(3) }),
      })).check(z.maxLength(100))), { description: "BI-3: the active org's unpaid invoices past their due date (site admins and finance only); pay them with payInvoice." }),
  }), { id: 'Me' }));

export const getMe = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  handler: 'identity/get-me',
  summary: 'The signed-in account: profile, tier and memberships',
  tags: ['Identity'],
  auth: { kind: 'user', allowUnverified: true },
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The caller.', schema: Me } },
}));

export const requestEmailChange = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'requestEmailChange',
  method: 'POST',
  path: '/me/email-change',
  handler: 'identity/request-email-change',
  summary: 'Change your email address: a code is sent to the new one (ON-7)',
  description: 'The new address counts (for sign-in and organization matching) only after confirmEmailChange. Rate-limited like signup codes.',
  tags: ['Identity'],
  auth: { kind: 'user' },
  request: { body: withMeta(z.strictObject({ newEmail: Email }), { id: 'EmailChangeRequest' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    202: {
      description: 'A code is on its way to the new address.',
      schema: withMeta(z.strictObject({ status: z.literal('verification_pending'), message: text(1024) }), { id: 'EmailChangePending' }),
    },
  },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const confirmEmailChange = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'confirmEmailChange',
  method: 'POST',
  path: '/me/email-change/confirm',
  handler: 'identity/confirm-email-change',
  summary: 'Confirm the new email address with its code',
  tags: ['Identity'],
  auth: { kind: 'user' },
  request: { body: withMeta(z.strictObject({ code: z.string().check(z.regex(/^\d{6}$/, '6 digits')) }), { id: 'EmailChangeConfirmation' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The account now uses the new address.',
      schema: withMeta(z.strictObject({ status: z.literal('email_changed'), email: Email }), { id: 'EmailChanged' }),
    },
  },
  lambda: { uses: ['table:write', 'users'], dataFiles: ['email-domain-lists'] },
}));

export const identityRoutes = [getMe, requestEmailChange, confirmEmailChange] as const;
