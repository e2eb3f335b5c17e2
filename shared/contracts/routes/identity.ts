import * as z from 'zod';
import { Email, Locale, OrgRole } from '../common.ts';
import { defineRoute } from '../route.ts';

export const MembershipView = z
  .strictObject({
    orgId: z.string(),
    orgName: z.string(),
    orgKind: z.enum(['customer', 'partner']),
    role: OrgRole,
    accessGroup: z.string(),
    active: z.boolean().meta({ description: 'The org this request acted in.' }),
  })
  .meta({ id: 'Membership' });

export const Me = z
  .strictObject({
    userId: z.string(),
    email: Email,
    name: z.string(),
    locale: Locale,
    phone: z.string().optional(),
    emailVerified: z.boolean(),
    status: z.enum(['pending_verification', 'active', 'cancelled', 'disabled']),
    tier: z.enum(['basic', 'limited', 'enterprise', 'partner']).meta({ description: 'ON-5 account tier.' }),
    isStaff: z.boolean(),
    memberships: z.array(MembershipView),
    pendingReview: z
      .strictObject({
        reviewId: z.string(),
        reference: z.string(),
        kind: z.enum(['organization', 'upgrade', 'reactivation']),
        expectedBy: z.string().meta({ description: 'When a decision is expected (manual review: 1-2 business days).' }),
      })
      .optional(),
  })
  .meta({ id: 'Me' });

export const getMe = defineRoute({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  handler: 'identity/get-me',
  summary: 'The signed-in account: profile, tier and memberships',
  tags: ['Identity'],
  auth: { kind: 'user', allowUnverified: true },
  request: {},
  responses: { 200: { description: 'The caller.', schema: Me } },
});

export const identityRoutes = [getMe] as const;
