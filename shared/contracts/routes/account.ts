import * as z from 'zod/mini';
import { CountryCode, Cursor, Email, Locale, OrgId, OrgRole, PageLimit, Phone, PostalAddress, withMeta, shakable } from '../common.ts';
import { type RouteAuth, defineRoute } from '../route.ts';
import {
  CONTRACT_DURATIONS,
  CONTRACT_PURCHASE_ROLES,
  CONTRACT_REQUEST_KINDS,
  CONTRACT_VIEW_ROLES,
  DEVICE_GROUP_ROLES,
  DEVICE_ID_KINDS,
  DOCUMENT_TYPES,
  MAX_DOCUMENT_BYTES,
  ORDERING_ROLES,
  REPORT_ROLES,
  USER_ADMIN_ROLES,
  WARRANTY_PLANS,
  WARRANTY_STATUSES,
} from '#shared/domain/account/model.ts';
import { REPORT_KINDS } from '#shared/domain/account/reports.ts';
import { E164, postalCodeProblem } from '#shared/domain/desk/address.ts';
import { TICKET_STATUSES } from '#shared/domain/desk/model.ts';
import type { OrgRole as OrgRoleValue } from '#shared/domain/shared/vocabulary.ts';

/**
 * The business account page (AC-1..AC-8). Org-scoped routes act in the org chosen by `X-Org-Id` (checked
 * against the caller's memberships; a foreign id answers 404 like a missing one; default: the primary org),
 * and their role rules are in `auth.roles`, so the HTTP layer answers 403 before any handler runs.
 */

// ---------------------------------------------------------------------------------------------------------
// Building blocks (zod/mini, like common.ts: every string bounded, arrays bounded, integers int32)

/** One line of text: trimmed, 1..max characters, no control characters (they could forge log lines). */
const Line = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'));
/** Free text: like Line, but line breaks and tabs are allowed. */
const Paragraphs = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, 'must not contain control characters other than line breaks'));
const unique = (xs: readonly string[]) => new Set(xs.map((x) => x.trim().toLowerCase())).size === xs.length;

/** Response fields. */
const Text = (max = 200) => z.string().check(z.maxLength(max));
const Id = /* @__PURE__ */ shakable(() => Text(64));
const Time = /* @__PURE__ */ shakable(() => z.string().check(z.maxLength(40)));
const Day = /* @__PURE__ */ shakable(() => z.string().check(z.maxLength(10)));
const int32 = (min: number, max: number) => withMeta(z.int32().check(z.minimum(min), z.maximum(max)), { format: 'int32' });
const list = <T extends z.ZodMiniType>(item: T, max = 100) => z.array(item).check(z.maxLength(max));
/** A page of items (at most 100) with the signed cursor of the next page, if any. */
const pageOf = <T extends z.ZodMiniType>(item: T) => z.strictObject({ items: list(item), nextCursor: z.optional(Cursor) });

const idOf = (prefix: string, what: string) => withMeta(z.string().check(z.maxLength(24), z.regex(new RegExp(`^${prefix}_[0-9a-z]{20}$`), `not ${what}`)), { description: `${what} (\`${prefix}_…\`)` });
const AddressId = /* @__PURE__ */ shakable(() => idOf('adr', 'an address id'));
const ProfileId = /* @__PURE__ */ shakable(() => idOf('xcp', 'a checkout profile id'));
const GroupId = /* @__PURE__ */ shakable(() => idOf('dgr', 'a device group id'));
const DocumentId = /* @__PURE__ */ shakable(() => idOf('doc', 'a document id'));
const TicketId = /* @__PURE__ */ shakable(() => idOf('tkt', 'a ticket id'));
const MemberId = /* @__PURE__ */ shakable(() => z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/, 'not a user id')));
/** Service tag or serial number: letters, digits and dashes, compared case-insensitively. */
const Serial = /* @__PURE__ */ shakable(() => z.string().check(z.trim(), z.minLength(2), z.maxLength(64), z.regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'letters, digits and dashes')));
const Label = /* @__PURE__ */ shakable(() => Line(80));
/** A date (`2026-03-01`, the whole day) or a date-time with offset. */
const DateBound = /* @__PURE__ */ shakable(() => z.union([z.iso.date().check(z.maxLength(10)), z.iso.datetime({ offset: true }).check(z.maxLength(40))]));
const pageQuery = /* @__PURE__ */ shakable(() => z.strictObject({ limit: PageLimit, cursor: z.optional(Cursor) }));

const member = (roles?: readonly OrgRoleValue[]): RouteAuth => ({ kind: 'user', org: true, ...(roles ? { roles } : {}) });
/** Routes over the service desk's data: like the desk, for Enterprise customers and Partners. */
const deskMember = (roles?: readonly OrgRoleValue[]): RouteAuth => ({ kind: 'user', org: true, tiers: ['enterprise', 'partner'], ...(roles ? { roles } : {}) });
const staff: RouteAuth = { kind: 'staff' };
const TAGS = ['Account'] as const;
const STAFF_TAGS = ['Account (staff)'] as const;

// ---------------------------------------------------------------------------------------------------------
// AC-1 header and switching, AC-3 profile and company details

const Sso = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ enabled: z.boolean(), managedBy: z.literal('vendor'), howToEnable: z.optional(Text(300)) }),
  { id: 'SsoStatus', description: 'SSO is configured per organization by the vendor (AC-2); the portal records and shows it.' },
));

export const AccountOverview = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    organization: z.strictObject({
      orgId: Id,
      name: Text(),
      kind: z.enum(['customer', 'partner']),
      country: Text(2),
      accessGroup: Text(),
      sso: Sso,
      address: z.optional(PostalAddress),
      phone: z.optional(Text(16)),
    }),
    role: OrgRole,
    accountType: withMeta(z.enum(['basic', 'limited', 'enterprise', 'partner']), { description: 'The account tier (ON-5).' }),
    user: z.strictObject({ userId: Text(128), name: Text(), email: Text(254) }),
    organizations: withMeta(
      list(z.strictObject({ orgId: Id, orgName: Text(), orgKind: z.enum(['customer', 'partner']), role: OrgRole, accessGroup: Text(), active: z.boolean() })),
      { description: 'Every org you belong to; switch by sending its id as X-Org-Id.' },
    ),
  }),
  { id: 'AccountOverview' },
));

export const getAccount = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getAccount',
  method: 'GET',
  path: '/account',
  handler: 'account/get-account',
  summary: 'The account header (AC-1): org, access group, your role, account type, and your orgs',
  description: 'Acts in the org named by `X-Org-Id` (one of yours; another id answers 404 like a missing one), else your primary org.',
  tags: TAGS,
  auth: member(),
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The active org and the orgs you can switch to.', schema: AccountOverview } },
}));

const OrgDetailsBody = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ address: PostalAddress, phone: z.optional(Phone) }), { id: 'OrgDetailsUpdate' }));

export const updateOrgDetails = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateOrgDetails',
  method: 'PUT',
  path: '/account/organization',
  handler: 'account/update-org-details',
  summary: "Set the org's company address and phone (site admins, AC-3)",
  description: "The org's name and domains are managed by the vendor.",
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  request: { body: OrgDetailsBody },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The company details.',
      schema: withMeta(z.strictObject({ orgId: Id, address: z.optional(PostalAddress), phone: z.optional(Text(16)), updatedAt: Time }), { id: 'OrgDetails' }),
    },
  },
  lambda: { uses: ['table:write'] },
}));

const ProfileView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    userId: Text(128),
    name: Text(),
    email: Text(254),
    locale: Locale,
    phone: z.optional(Text(16)),
    tier: z.enum(['basic', 'limited', 'enterprise', 'partner']),
    company: z.optional(
      z.strictObject({
        relationship: z.enum(['customer_employee', 'partner_employee', 'prospective_partner']),
        company: Text(120),
        jobTitle: Text(80),
        phone: Text(16),
        country: Text(2),
        siteAddress: PostalAddress,
      }),
    ),
  }),
  { id: 'Profile', description: 'Personal details and the company details given at registration (AC-3).' },
));

export const getProfile = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getProfile',
  method: 'GET',
  path: '/account/profile',
  handler: 'account/get-profile',
  summary: 'Your profile and company details (AC-3)',
  tags: TAGS,
  auth: { kind: 'user' },
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The profile.', schema: ProfileView } },
}));

export const ProfileUpdate = /* @__PURE__ */ shakable(() => withMeta(
  z
    .strictObject({
      name: z.optional(Line(100)),
      phone: z.optional(z.nullable(withMeta(z.string().check(z.maxLength(16), z.regex(E164, 'an E.164 phone number such as +33612345678')), { description: '`null` removes it.' }))),
      locale: z.optional(Locale),
      jobTitle: z.optional(Line(80)),
      siteAddress: z.optional(PostalAddress),
    })
    .check(z.refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'change at least one field', path: [] })),
  {
    id: 'ProfileUpdate',
    description: 'Name, phone and locale; the job title and site address given at registration. Change the email address with requestEmailChange / confirmEmailChange.',
  },
));

export const updateProfile = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateProfile',
  method: 'PATCH',
  path: '/account/profile',
  handler: 'account/update-profile',
  summary: 'Update your profile and company details (AC-3, ON-7)',
  description:
    'The email address changes through requestEmailChange and confirmEmailChange (the new address must be proven). 409 `registration_required` for company fields before registration; ' +
    '409 `account_busy` when your memberships changed three times while the new name was being copied to them (retry).',
  tags: TAGS,
  auth: { kind: 'user' },
  request: { body: ProfileUpdate },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The profile after the change.', schema: ProfileView } },
  errors: { 409: '`registration_required`: company fields before registration; `account_busy`: your memberships changed three times while the new name was copied to them (retry).' },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-2 users

const InvitationView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ orgId: Id, orgName: Text(), email: Text(254), role: OrgRole, invitedBy: z.strictObject({ name: Text() }), createdAt: Time, expiresAt: Time }),
  { id: 'Invitation' },
));

const MemberView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ userId: Text(128), name: z.optional(Text()), email: z.optional(Text(254)), role: OrgRole, joinedAt: Time, you: z.boolean() }),
  { id: 'OrgUser' },
));

export const listOrgUsers = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listOrgUsers',
  method: 'GET',
  path: '/account/users',
  handler: 'account/list-org-users',
  summary: "The org's users, pending invitations and SSO status (site admins, AC-2)",
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'A page of the user list.',
      schema: withMeta(z.strictObject({ sso: Sso, members: list(MemberView), invitations: list(InvitationView), nextCursor: z.optional(Cursor) }), { id: 'OrgUsers' }),
    },
  },
}));

export const inviteOrgUser = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'inviteOrgUser',
  method: 'POST',
  path: '/account/users/invitations',
  handler: 'account/invite-org-user',
  summary: 'Invite someone to the org with a role (site admins, AC-2)',
  description:
    'Emails an invitation (valid 7 days) in the given locale (default: yours). The invitee joins with the role by signing up or signing in with that address and calling acceptInvitation. ' +
    'Inviting the same address again replaces the pending invitation. 422 `business_email_required` for free-mail and disposable addresses; 409 `already_member` for your own.',
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  idempotency: 'required',
  request: { body: withMeta(z.strictObject({ email: Email, role: OrgRole, locale: z.optional(Locale) }), { id: 'InvitationRequest' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The invitation.', schema: InvitationView } },
  lambda: { uses: ['table:write', 'outbox'], dataFiles: ['email-domain-lists'] },
}));

export const revokeInvitation = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'revokeInvitation',
  method: 'DELETE',
  path: '/account/users/invitations/{email}',
  handler: 'account/revoke-invitation',
  summary: 'Withdraw a pending invitation (site admins)',
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  request: { path: z.strictObject({ email: Email }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 204: { description: 'Withdrawn.' } },
  lambda: { uses: ['table:write'] },
}));

export const updateOrgUserRole = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateOrgUserRole',
  method: 'PATCH',
  path: '/account/users/{userId}',
  handler: 'account/update-org-user-role',
  summary: "Change a user's role (site admins, AC-2)",
  description: 'Roles: site_admin, buyer, shopper, finance, report_viewer. 409 `last_site_admin` when demoting the only site admin.',
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  request: { path: z.strictObject({ userId: MemberId }), body: withMeta(z.strictObject({ role: OrgRole }), { id: 'RoleChange' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The membership.', schema: withMeta(z.strictObject({ userId: Text(128), role: OrgRole, joinedAt: Time }), { id: 'OrgUserRole' }) } },
  lambda: { uses: ['table:write'] },
}));

export const removeOrgUser = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'removeOrgUser',
  method: 'DELETE',
  path: '/account/users/{userId}',
  handler: 'account/remove-org-user',
  summary: 'Remove a user from the org (site admins, AC-2)',
  description: 'Their account stays (with their other memberships). 409 `last_site_admin` for the only site admin.',
  tags: TAGS,
  auth: member(USER_ADMIN_ROLES),
  request: { path: z.strictObject({ userId: MemberId }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 204: { description: 'Removed.' } },
  lambda: { uses: ['table:write'] },
}));

export const listMyInvitations = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listMyInvitations',
  method: 'GET',
  path: '/account/invitations',
  handler: 'account/list-my-invitations',
  summary: 'Invitations to your verified address that you can accept',
  tags: TAGS,
  auth: { kind: 'user' },
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Pending invitations.', schema: withMeta(z.strictObject({ items: list(InvitationView) }), { id: 'MyInvitations' }) } },
}));

export const acceptInvitation = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'acceptInvitation',
  method: 'POST',
  path: '/account/invitations/{orgId}/accept',
  handler: 'account/accept-invitation',
  summary: 'Join the org that invited your verified address, with the invited role',
  description:
    'Call after signing up or signing in with the invited address. Single use; 404 `invitation_not_found` when none is pending (used, expired, revoked or for another address); ' +
    '409 `already_member`, or `account_busy` when your name or email changed three times while joining (retry); 403 `free_mail_domain` for free-mail accounts. A confirmation email follows.',
  tags: TAGS,
  auth: { kind: 'user' },
  request: { path: z.strictObject({ orgId: OrgId }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'Joined.',
      schema: withMeta(
        z.strictObject({
          status: z.literal('joined'),
          organization: z.strictObject({ orgId: Id, orgName: Text(), role: OrgRole, accessGroup: Text() }),
          tier: z.enum(['basic', 'limited', 'enterprise', 'partner']),
        }),
        { id: 'InvitationAccepted' },
      ),
    },
  },
  errors: { 409: '`already_member`; `account_busy`: your name or email changed three times while joining (retry).' },
  lambda: { uses: ['table:write', 'outbox'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-3 address book and express checkout

export const BookAddress = /* @__PURE__ */ shakable(() => withMeta(
  z
    .strictObject({
      recipient: Line(120),
      company: z.optional(Line(120)),
      line1: Line(200),
      line2: z.optional(Line(200)),
      postalCode: z.optional(z.string().check(z.trim(), z.maxLength(12))),
      city: Line(100),
      region: z.optional(Line(100)),
      country: CountryCode,
    })
    .check(
      z.superRefine((a, ctx) => {
        const problem = postalCodeProblem(a.country, a.postalCode);
        if (problem) ctx.issues.push({ code: 'custom', path: ['postalCode'], message: problem, input: a.postalCode });
      }),
    ),
  { id: 'BookAddress', description: 'A delivery address, validated per country like the desk\'s (it is used for device requests).' },
));

const AddressBody = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ label: Label, address: BookAddress, phone: z.optional(z.string().check(z.maxLength(16), z.regex(E164, 'an E.164 phone number such as +33612345678'))) }),
  { id: 'AddressInput' },
));

const AddressView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    addressId: Id,
    label: Text(80),
    address: BookAddress,
    phone: z.optional(Text(16)),
    inUse: withMeta(z.boolean(), { description: 'An express checkout profile uses it (it cannot be deleted).' }),
    createdAt: Time,
    updatedAt: Time,
  }),
  { id: 'Address' },
));

export const listAddresses = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listAddresses',
  method: 'GET',
  path: '/account/addresses',
  handler: 'account/list-addresses',
  summary: "The org's address book (AC-3)",
  tags: TAGS,
  auth: member(),
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of addresses.', schema: pageOf(AddressView) } },
}));

export const createAddress = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createAddress',
  method: 'POST',
  path: '/account/addresses',
  handler: 'account/create-address',
  summary: 'Add an address to the org\'s address book',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  idempotency: 'required',
  request: { body: AddressBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The address.', schema: AddressView } },
  lambda: { uses: ['table:write'] },
}));

const addressPath = /* @__PURE__ */ shakable(() => z.strictObject({ addressId: AddressId }));

export const updateAddress = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateAddress',
  method: 'PUT',
  path: '/account/addresses/{addressId}',
  handler: 'account/update-address',
  summary: 'Replace an address of the address book',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  request: { path: addressPath, body: AddressBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The address.', schema: AddressView } },
  lambda: { uses: ['table:write'] },
}));

export const deleteAddress = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'deleteAddress',
  method: 'DELETE',
  path: '/account/addresses/{addressId}',
  handler: 'account/delete-address',
  summary: 'Delete an address (409 `address_in_use` while a checkout profile uses it)',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  request: { path: addressPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 204: { description: 'Deleted.' } },
  lambda: { uses: ['table:write'] },
}));

const CheckoutProfileView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ profileId: Id, label: Text(80), addressId: Id, paymentMethodToken: Text(68), createdAt: Time }),
  { id: 'CheckoutProfile' },
));

export const listCheckoutProfiles = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listCheckoutProfiles',
  method: 'GET',
  path: '/account/checkout-profiles',
  handler: 'account/list-checkout-profiles',
  summary: 'Your express checkout profiles in this org (AC-3)',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of profiles.', schema: pageOf(CheckoutProfileView) } },
}));

export const createCheckoutProfile = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createCheckoutProfile',
  method: 'POST',
  path: '/account/checkout-profiles',
  handler: 'account/create-checkout-profile',
  summary: 'Save an express checkout profile: an address of the book and a payment method',
  description: 'The payment method is the token reference billing issues for a stored card (`pm_…`, BI-3); card data never reaches this API. 404 `address_not_found`.',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  idempotency: 'required',
  request: {
    body: withMeta(
      z.strictObject({
        label: Label,
        addressId: AddressId,
        paymentMethodToken: withMeta(z.string().check(z.maxLength(68), z.regex(/^pm_[A-Za-z0-9]{8,64}$/, 'a payment method token reference (pm_…)')), {
          description: 'Token reference of a payment method stored at the provider.',
        }),
      }),
      { id: 'CheckoutProfileInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The profile.', schema: CheckoutProfileView } },
  lambda: { uses: ['table:write'] },
}));

export const deleteCheckoutProfile = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'deleteCheckoutProfile',
  method: 'DELETE',
  path: '/account/checkout-profiles/{profileId}',
  handler: 'account/delete-checkout-profile',
  summary: 'Delete one of your express checkout profiles',
  tags: TAGS,
  auth: member(ORDERING_ROLES),
  request: { path: z.strictObject({ profileId: ProfileId }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 204: { description: 'Deleted.' } },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-4 recent orders and re-order

const TicketStatus = /* @__PURE__ */ shakable(() => z.enum(TICKET_STATUSES));

const OrderSummary = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    ticketId: Id,
    reference: Text(32),
    orgId: Id,
    orgName: Text(),
    status: TicketStatus,
    requester: z.strictObject({ userId: Text(128), name: Text() }),
    internalReference: z.optional(Text(64)),
    apprentice: z.boolean(),
    createdAt: Time,
    updatedAt: Time,
  }),
  { id: 'OrderSummary' },
));

export const listRecentOrders = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listRecentOrders',
  method: 'GET',
  path: '/account/orders',
  handler: 'account/list-recent-orders',
  summary: "Recent orders (AC-4): the org's device requests of the last 30 days, newest first",
  description: 'Follows the desk\'s visibility: `mine` (default) or `org` (site admins, or every member when the org shares tickets; else 403 `tickets_own_only`).',
  tags: TAGS,
  auth: deskMember(),
  request: { query: z.strictObject({ scope: z._default(z.enum(['mine', 'org']), 'mine'), limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'A page of orders.',
      schema: withMeta(z.strictObject({ since: Day, items: list(OrderSummary), nextCursor: z.optional(Cursor) }), { id: 'RecentOrders' }),
    },
  },
}));

const ReorderChange = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    code: z.enum(['model_no_longer_offered', 'model_not_recorded', 'certificate_required', 'attachments_not_copied', 'requester_changed', 'field_changed']),
    field: z.optional(Text(40)),
    previous: z.optional(Text(2000)),
    current: z.optional(Text(2000)),
    message: Text(300),
  }),
  { id: 'ReorderChange' },
));

export const reorder = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'reorder',
  method: 'POST',
  path: '/account/orders/{ticketId}/reorder',
  handler: 'account/reorder',
  summary: 'Order again (AC-4): a new device request prefilled from an old one, with what changed',
  description:
    'Same delivery address, internal reference, phone and apprentice flag unless overridden; the new request is numbered and admitted like any other. ' +
    '`changes` lists what differs (e.g. a model no longer offered, with its successor). Retries with the same Idempotency-Key return the same new request.',
  tags: TAGS,
  auth: deskMember(ORDERING_ROLES),
  idempotency: 'required',
  request: {
    path: z.strictObject({ ticketId: TicketId }),
    body: withMeta(
      z.strictObject({
        internalReference: z.optional(Line(64)),
        phone: z.optional(z.string().check(z.maxLength(16), z.regex(E164, 'an E.164 number, e.g. +41791234567'))),
        comment: z.optional(Paragraphs(1500)),
      }),
      { id: 'ReorderRequest', description: 'Optional overrides; `{}` re-orders as it was.' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    201: {
      description: 'The new request, its source and the changes.',
      schema: withMeta(
        z.strictObject({
          ticket: withMeta(z.record(z.string().check(z.maxLength(64)), z.unknown()), { description: 'The new ticket, as createDeviceRequest returns it (Ticket).' }),
          source: z.strictObject({ ticketId: Id, reference: Text(32) }),
          changes: list(ReorderChange, 20),
        }),
        { id: 'Reorder' },
      ),
    },
  },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-5 devices and groups

const DeviceView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    serial: Text(64),
    idKind: z.enum(DEVICE_ID_KINDS),
    model: Text(120),
    family: Text(60),
    site: z.optional(Text(120)),
    shipDate: z.optional(Day),
    warranty: z.strictObject({ plan: z.enum(WARRANTY_PLANS), startDate: z.optional(Day), endDate: Day, status: z.enum(WARRANTY_STATUSES) }),
    source: z.strictObject({ kind: z.enum(['shipment', 'import']), reference: z.optional(Text(32)) }),
  }),
  { id: 'Device' },
));

export const listDevices = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listDevices',
  method: 'GET',
  path: '/account/devices',
  handler: 'account/list-devices',
  summary: "The org's devices with warranty status (AC-5), optionally in one custom group",
  description: 'Filters apply page by page: a page may hold fewer than `limit` devices; follow `nextCursor` until it is absent. 404 `device_group_not_found`.',
  tags: TAGS,
  auth: member(),
  request: {
    query: z.strictObject({ groupId: z.optional(GroupId), warranty: z.optional(z.enum(WARRANTY_STATUSES)), limit: PageLimit, cursor: z.optional(Cursor) }),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of devices.', schema: pageOf(DeviceView) } },
}));

const GroupBody = /* @__PURE__ */ shakable(() => withMeta(
  z
    .strictObject({
      name: Line(80),
      serials: z.optional(withMeta(z.array(Serial).check(z.maxLength(100), z.refine(unique, 'must be unique')), { description: 'Individual products.' })),
      families: z.optional(z.array(Line(60)).check(z.maxLength(20), z.refine(unique, 'must be unique'))),
      sites: z.optional(z.array(Line(120)).check(z.maxLength(20), z.refine(unique, 'must be unique'))),
    })
    .check(z.refine((b) => (b.serials?.length ?? 0) + (b.families?.length ?? 0) + (b.sites?.length ?? 0) > 0, { message: 'give serials, families or sites', path: ['serials'] })),
  {
    id: 'DeviceGroupInput',
    description: 'A device is in the group when it is one of `serials`, or (families and/or sites given) of one of the families at one of the sites.',
  },
));

const GroupView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    groupId: Id,
    name: Text(80),
    serials: list(Text(64)),
    families: list(Text(60), 20),
    sites: list(Text(120), 20),
    createdBy: z.strictObject({ name: Text() }),
    createdAt: Time,
    updatedAt: Time,
  }),
  { id: 'DeviceGroup' },
));

export const listDeviceGroups = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listDeviceGroups',
  method: 'GET',
  path: '/account/device-groups',
  handler: 'account/list-device-groups',
  summary: "The org's custom device groups",
  tags: TAGS,
  auth: member(),
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of groups.', schema: pageOf(GroupView) } },
}));

export const createDeviceGroup = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createDeviceGroup',
  method: 'POST',
  path: '/account/device-groups',
  handler: 'account/create-device-group',
  summary: 'Create a custom group of products, product families, sites, or combinations (site admins, buyers)',
  tags: TAGS,
  auth: member(DEVICE_GROUP_ROLES),
  idempotency: 'required',
  request: { body: GroupBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The group.', schema: GroupView } },
  lambda: { uses: ['table:write'] },
}));

const groupPath = /* @__PURE__ */ shakable(() => z.strictObject({ groupId: GroupId }));

export const updateDeviceGroup = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateDeviceGroup',
  method: 'PUT',
  path: '/account/device-groups/{groupId}',
  handler: 'account/update-device-group',
  summary: 'Replace a custom group\'s name and selection',
  tags: TAGS,
  auth: member(DEVICE_GROUP_ROLES),
  request: { path: groupPath, body: GroupBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The group.', schema: GroupView } },
  lambda: { uses: ['table:write'] },
}));

export const deleteDeviceGroup = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'deleteDeviceGroup',
  method: 'DELETE',
  path: '/account/device-groups/{groupId}',
  handler: 'account/delete-device-group',
  summary: 'Delete a custom group (the devices stay)',
  tags: TAGS,
  auth: member(DEVICE_GROUP_ROLES),
  request: { path: groupPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 204: { description: 'Deleted.' } },
  lambda: { uses: ['table:write'] },
}));

const ImportedDevice = /* @__PURE__ */ shakable(() => z.strictObject({
  serial: Serial,
  idKind: z.enum(DEVICE_ID_KINDS),
  model: Line(120),
  family: z.optional(Line(60)),
  site: z.optional(Line(120)),
  shipDate: z.optional(z.iso.date().check(z.maxLength(10))),
  warranty: z.strictObject({ plan: z.enum(WARRANTY_PLANS), startDate: z.optional(z.iso.date().check(z.maxLength(10))), endDate: z.iso.date().check(z.maxLength(10)) }),
}));

export const importDevices = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'importDevices',
  method: 'POST',
  path: '/staff/orgs/{orgId}/devices/import',
  handler: 'account/import-devices',
  summary: "Import an org's assets (staff, AC-5): up to 99 per call, all or nothing",
  description: 'Replaces what the org\'s records say about these service tags / serial numbers (shipped devices included). 404 `org_not_found`.',
  tags: STAFF_TAGS,
  auth: staff,
  request: {
    path: z.strictObject({ orgId: OrgId }),
    body: withMeta(
      z.strictObject({
        devices: z
          .array(ImportedDevice)
          .check(z.minLength(1), z.maxLength(99), z.refine((ds) => unique(ds.map((d) => d.serial)), 'serial numbers must be unique')),
      }),
      { id: 'DeviceImport' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'How many were imported.', schema: withMeta(z.strictObject({ imported: int32(0, 99) }), { id: 'DeviceImportResult' }) } },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-6 service contracts

const ContractView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    serial: Text(64),
    model: Text(120),
    plan: z.enum(WARRANTY_PLANS),
    startDate: z.optional(Day),
    endDate: Day,
    status: z.enum(WARRANTY_STATUSES),
    upgradableTo: list(z.enum(WARRANTY_PLANS), 3),
  }),
  { id: 'ServiceContract' },
));

export const listServiceContracts = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listServiceContracts',
  method: 'GET',
  path: '/account/service-contracts',
  handler: 'account/list-service-contracts',
  summary: 'The support contract of each of the org\'s assets (AC-6; not for shoppers)',
  tags: TAGS,
  auth: member(CONTRACT_VIEW_ROLES),
  request: { query: z.strictObject({ status: z.optional(z.enum(WARRANTY_STATUSES)), limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of contracts.', schema: pageOf(ContractView) } },
}));

export const ServiceRequestView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    requestId: Id,
    reference: Text(16),
    kind: z.enum(CONTRACT_REQUEST_KINDS),
    plan: z.enum(WARRANTY_PLANS),
    durationMonths: int32(12, 60),
    serials: list(Text(64), 50),
    status: z.literal('submitted'),
    requester: z.strictObject({ name: Text() }),
    createdAt: Time,
  }),
  { id: 'ServiceRequest' },
));

export const renewServiceContract = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'renewServiceContract',
  method: 'POST',
  path: '/account/service-contracts/requests',
  handler: 'account/renew-service-contract',
  summary: 'Renew or upgrade the support of some assets (AC-6): files a service request',
  description:
    'Pick assets (up to 50), a duration and a plan; the vendor quotes and applies it. 404 `device_not_found` for a serial that is not one of the org\'s; 422 `upgrade_needs_higher_plan`. Not for shoppers or report viewers.',
  tags: TAGS,
  auth: member(CONTRACT_PURCHASE_ROLES),
  idempotency: 'required',
  request: {
    body: withMeta(
      z.strictObject({
        kind: z.enum(CONTRACT_REQUEST_KINDS),
        serials: z.array(Serial).check(z.minLength(1), z.maxLength(50), z.refine(unique, 'serial numbers must be unique')),
        plan: z.enum(WARRANTY_PLANS),
        durationMonths: withMeta(z.literal(CONTRACT_DURATIONS), { description: `Months of support: ${CONTRACT_DURATIONS.join(', ')}.` }),
      }),
      { id: 'ServiceContractRequest' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The service request.', schema: ServiceRequestView } },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-7 support

const ContactView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({ name: Text(100), title: Text(80), email: Text(254), phone: z.optional(Text(16)), region: z.optional(Text(40)) }),
  { id: 'AccountContact' },
));

export const listContacts = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listContacts',
  method: 'GET',
  path: '/account/contacts',
  handler: 'account/list-contacts',
  summary: "Your org's account team (AC-7)",
  tags: TAGS,
  auth: member(),
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The contacts.', schema: withMeta(z.strictObject({ items: list(ContactView, 10) }), { id: 'AccountContacts' }) } },
}));

export const setAccountContacts = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'setAccountContacts',
  method: 'PUT',
  path: '/staff/orgs/{orgId}/contacts',
  handler: 'account/set-account-contacts',
  summary: "Set an org's account-team contacts (staff, AC-7)",
  tags: STAFF_TAGS,
  auth: staff,
  request: {
    path: z.strictObject({ orgId: OrgId }),
    body: withMeta(
      z.strictObject({
        contacts: z
          .array(z.strictObject({ name: Line(100), title: Line(80), email: Email, phone: z.optional(z.string().check(z.maxLength(16), z.regex(E164, 'an E.164 number'))), region: z.optional(Line(40)) }))
          .check(z.maxLength(10)),
      }),
      { id: 'AccountContactsInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The contacts.', schema: withMeta(z.strictObject({ items: list(ContactView, 10) }), { id: 'AccountContactsSet' }) } },
  lambda: { uses: ['table:write'] },
}));

const HistoryItem = /* @__PURE__ */ shakable(() => withMeta(
  z.union([
    z.strictObject({ kind: z.literal('device_request'), createdAt: Time, ticket: OrderSummary }),
    z.strictObject({ kind: z.literal('service_request'), createdAt: Time, serviceRequest: ServiceRequestView }),
  ]),
  { id: 'SupportHistoryItem' },
));

export const listSupportHistory = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listSupportHistory',
  method: 'GET',
  path: '/account/support-history',
  handler: 'account/list-support-history',
  summary: "The org's support history (AC-7): device requests and service requests, newest first",
  description:
    'A date range (default: the last 90 days; at most 366). Site admins see the whole org, other members too when the org shares tickets, else their own. ' +
    'At most 200 of each kind: `truncated` says to narrow the range.',
  tags: TAGS,
  auth: deskMember(),
  request: { query: z.strictObject({ from: z.optional(DateBound), to: z.optional(DateBound) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The history.',
      schema: withMeta(z.strictObject({ from: Time, to: Time, scope: z.enum(['org', 'mine']), items: list(HistoryItem, 400), truncated: z.boolean() }), { id: 'SupportHistory' }),
    },
  },
}));

const DocumentView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    documentId: Id,
    title: Text(120),
    description: z.optional(Text(500)),
    fileName: Text(200),
    contentType: z.enum(DOCUMENT_TYPES),
    size: int32(1, MAX_DOCUMENT_BYTES),
    status: z.optional(z.enum(['pending', 'published'])),
    createdAt: z.optional(Time),
    publishedAt: z.optional(Time),
  }),
  { id: 'AccountDocument' },
));

export const listDocuments = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listDocuments',
  method: 'GET',
  path: '/account/documents',
  handler: 'account/list-documents',
  summary: 'Documents your account team published (AC-7)',
  tags: TAGS,
  auth: member(),
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of documents.', schema: pageOf(DocumentView) } },
}));

const Download = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ url: Text(4096), expiresAt: Time }), { id: 'DocumentDownload' }));

export const getDocumentDownload = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getDocumentDownload',
  method: 'GET',
  path: '/account/documents/{documentId}/download',
  handler: 'account/get-document-download',
  summary: 'A fresh download link for a document (valid 5 minutes)',
  tags: TAGS,
  auth: member(),
  request: { path: z.strictObject({ documentId: DocumentId }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Where to download it.', schema: Download } },
  lambda: { uses: ['files'] },
}));

export const createDocumentUpload = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createDocumentUpload',
  method: 'POST',
  path: '/staff/orgs/{orgId}/documents',
  handler: 'account/create-document-upload',
  summary: 'Register a document for an org and get a presigned upload (staff, AC-7)',
  description: 'PUT the file to `upload.url` with `upload.headers` within 15 minutes, then publishDocument. 404 `org_not_found`.',
  tags: STAFF_TAGS,
  auth: staff,
  idempotency: 'required',
  request: {
    path: z.strictObject({ orgId: OrgId }),
    body: withMeta(
      z.strictObject({
        title: Line(120),
        description: z.optional(Paragraphs(500)),
        fileName: Line(200).check(z.regex(/^[^/\\]+$/, 'a file name, without folders')),
        contentType: z.enum(DOCUMENT_TYPES),
        size: withMeta(int32(1, MAX_DOCUMENT_BYTES), { description: 'Bytes; at most 25 MB.' }),
      }),
      { id: 'DocumentUploadRequest' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    201: {
      description: 'The pending document and where to upload it.',
      schema: withMeta(
        z.strictObject({
          document: DocumentView,
          upload: z.strictObject({ method: z.literal('PUT'), url: Text(4096), headers: z.record(Text(40), Text(200)), expiresAt: Time }),
        }),
        { id: 'DocumentUpload' },
      ),
    },
  },
  lambda: { uses: ['table:write', 'files'] },
}));

export const publishDocument = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'publishDocument',
  method: 'POST',
  path: '/staff/orgs/{orgId}/documents/{documentId}/publish',
  handler: 'account/publish-document',
  summary: 'Publish an uploaded document to the org (staff)',
  description: '422 `upload_missing` or `upload_mismatch` (stored type or size differ from the declared ones).',
  tags: STAFF_TAGS,
  auth: staff,
  request: { path: z.strictObject({ orgId: OrgId, documentId: DocumentId }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The published document.', schema: DocumentView } },
  lambda: { uses: ['table:write', 'files'] },
}));

// ---------------------------------------------------------------------------------------------------------
// AC-8 reports and software

export const getReport = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getReport',
  method: 'GET',
  path: '/account/reports/{kind}',
  handler: 'account/get-report',
  summary: 'A CSV report of orders, tickets or invoices for a date range (AC-8)',
  description:
    'For site admins, finance and report viewers. Range: default the last 90 days, at most 366. At most 10,000 rows: `x-report-truncated: true` then says to narrow the range. ' +
    'Text cells that a spreadsheet would evaluate (starting with =, +, -, @) are prefixed with an apostrophe. ' +
    '`invoices`: only while the org\'s billing report is on (403 `billing_report_disabled` otherwise, as for the invoice lists).',
  tags: TAGS,
  auth: deskMember(REPORT_ROLES),
  request: { path: z.strictObject({ kind: z.enum(REPORT_KINDS) }), query: z.strictObject({ from: z.optional(DateBound), to: z.optional(DateBound) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The report (headers: `content-disposition` with its file name, `x-report-rows`, `x-report-truncated`).',
      contentType: 'text/csv',
      schema: withMeta(z.string().check(z.maxLength(20_000_000)), { description: 'RFC 4180 CSV, UTF-8, a header line first.' }),
    },
  },
  lambda: { timeoutSeconds: 29, memoryMb: 1024 },
}));

const SubscriptionFields = /* @__PURE__ */ shakable(() => ({
  subscriptionId: Line(64),
  product: Line(120),
  quantity: int32(1, 1_000_000),
  startDate: z.iso.date().check(z.maxLength(10)),
  endDate: z.iso.date().check(z.maxLength(10)),
  autoRenew: z.boolean(),
}));

export const listSoftwareSubscriptions = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listSoftwareSubscriptions',
  method: 'GET',
  path: '/account/software-subscriptions',
  handler: 'account/list-software-subscriptions',
  summary: "The org's software subscriptions (AC-8, US organizations only)",
  description: 'Other organizations get 403 `not_available_in_region`.',
  tags: TAGS,
  auth: member(),
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The subscriptions.',
      schema: withMeta(z.strictObject({ items: list(z.strictObject({ ...SubscriptionFields, active: z.boolean() })) }), { id: 'SoftwareSubscriptions' }),
    },
  },
}));

export const setSoftwareSubscriptions = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'setSoftwareSubscriptions',
  method: 'PUT',
  path: '/staff/orgs/{orgId}/software-subscriptions',
  handler: 'account/set-software-subscriptions',
  summary: "Set an org's software subscriptions (staff)",
  tags: STAFF_TAGS,
  auth: staff,
  request: {
    path: z.strictObject({ orgId: OrgId }),
    body: withMeta(
      z.strictObject({
        subscriptions: z
          .array(z.strictObject(SubscriptionFields).check(z.refine((s) => s.startDate <= s.endDate, { message: 'endDate is before startDate', path: ['endDate'] })))
          .check(z.maxLength(100), z.refine((ss) => unique(ss.map((s) => s.subscriptionId)), 'subscription ids must be unique')),
      }),
      { id: 'SoftwareSubscriptionsInput' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: { description: 'The subscriptions.', schema: withMeta(z.strictObject({ items: list(z.strictObject(SubscriptionFields)) }), { id: 'SoftwareSubscriptionsSet' }) },
  },
  lambda: { uses: ['table:write'] },
}));

export const accountRoutes = [
  getAccount,
  updateOrgDetails,
  getProfile,
  updateProfile,
  listOrgUsers,
  inviteOrgUser,
  revokeInvitation,
  updateOrgUserRole,
  removeOrgUser,
  listMyInvitations,
  acceptInvitation,
  listAddresses,
  createAddress,
  updateAddress,
  deleteAddress,
  listCheckoutProfiles,
  createCheckoutProfile,
  deleteCheckoutProfile,
  listRecentOrders,
  reorder,
  listDevices,
  listDeviceGroups,
  createDeviceGroup,
  updateDeviceGroup,
  deleteDeviceGroup,
  importDevices,
  listServiceContracts,
  renewServiceContract,
  listContacts,
  setAccountContacts,
  listSupportHistory,
  listDocuments,
  getDocumentDownload,
  createDocumentUpload,
  publishDocument,
  getReport,
  listSoftwareSubscriptions,
  setSoftwareSubscriptions,
] as const;
