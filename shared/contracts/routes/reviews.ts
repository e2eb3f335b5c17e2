import * as z from 'zod/mini';
import { CONTACT_METHODS, DECISIONS, REVIEW_KINDS, REVIEW_STATUSES } from '#shared/domain/reviews/model.ts';
import { CountryCode, Cursor, Email, Locale, PageLimit, Phone, PostalAddress, UtcDateTime, page, text, withMeta, shakable } from '../common.ts';
import { defineRoute } from '../route.ts';

export const ReviewKind = /* @__PURE__ */ shakable(() => withMeta(z.enum(REVIEW_KINDS), { id: 'ReviewKind', description: 'organization (ON-4), upgrade (ON-6) or reactivation (BI-5).' }));
export const ReviewId = /* @__PURE__ */ shakable(() => z.string().check(z.regex(/^rev_[0-9a-z]{20,26}$/, 'not a review id'), z.maxLength(30)));
const ServiceTag = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z0-9]{5,12}$/, '5 to 12 letters and digits')), {
  description: "The service tag of one of the organization's products.",
  example: '7XK9Q2B',
}));
const SerialNumber = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.trim(), z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/, '4 to 40 letters, digits and dashes')), {
  description: "The serial number of one of the organization's products.",
  example: 'CN-0F6G2K-74261',
}));
const OrgName = /* @__PURE__ */ shakable(() => z.string().check(z.trim(), z.minLength(2), z.maxLength(120)));
const Reason = /* @__PURE__ */ shakable(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)));
const Reference = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.regex(/^\d{8}$/)), { description: 'The 8-digit number to quote; it is in the acknowledgement email too.' }));

const ReviewReceipt = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    reviewId: ReviewId,
    reference: Reference,
    kind: ReviewKind,
    status: z.literal('pending'),
    submittedAt: UtcDateTime,
    expectedBy: withMeta(UtcDateTime, { description: 'Two business days after submission (weekends skipped, UTC).' }),
  }),
  { id: 'ReviewReceipt' },
));

export const submitOrganizationForReview = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'submitOrganizationForReview',
  method: 'POST',
  path: '/organization-reviews',
  handler: 'reviews/submit-organization',
  summary: 'Ask for your organization to be created (ON-4, manual review)',
  description:
    'For a registered user whose verified business email domain belongs to no organization they could join. The domain is reserved ' +
    'for this request until it is decided: a second request for the same domain is a 409 `domain_review_pending`, and a domain (or ' +
    'parent domain) owned by an organization you can join is a 409 `domain_claimed` (registration attaches you to it). Staff decide ' +
    'within two business days; approval creates the organization with the domain and makes you its site admin, a rejection comes ' +
    'with a reason, and a request nobody decides expires after 14 days. Other errors: 403 `free_mail_domain`, 409 `already_member` ' +
    'or `review_pending`, 422 `registration_required`.',
  tags: ['Reviews'],
  auth: { kind: 'user' },
  idempotency: 'required',
  request: {
    body: withMeta(
      z.strictObject({
        name: withMeta(OrgName, { description: "The organization's legal name." }),
        address: PostalAddress,
        country: CountryCode,
        serviceTag: z.optional(ServiceTag),
        serialNumber: z.optional(SerialNumber),
      }),
      { id: 'OrganizationReviewRequest' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The request is in review; an acknowledgement email is on its way.', schema: ReviewReceipt } },
  lambda: { uses: ['table:write', 'outbox', 'workflow'] },
}));

export const requestAccountUpgrade = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'requestAccountUpgrade',
  method: 'POST',
  path: '/upgrade-requests',
  handler: 'reviews/request-upgrade',
  summary: 'Ask for an upgrade to Enterprise (ON-6 admin-support service request)',
  description:
    'Answers at once with an 8-digit service request number, which is emailed too. Support validates the request (24-48 h) and may ' +
    'contact you the way you prefer. Approval sets the tier to Enterprise; if you belong to no organization yet, it also creates ' +
    'one for the company named here (with your email domain unless a customer organization owns it already) with you as its site ' +
    'admin. Other errors: 403 `free_mail_domain`, 409 `review_pending`.',
  tags: ['Reviews'],
  auth: { kind: 'user', tiers: ['basic', 'limited'] },
  idempotency: 'required',
  request: {
    body: withMeta(
      z
        .strictObject({
          phone: Phone,
          preferredContact: z.enum(CONTACT_METHODS),
          targetUrl: withMeta(z.url({ protocol: /^https$/, hostname: z.regexes.domain }).check(z.maxLength(2048)), { description: 'The https URL you want to reach.' }),
          intent: withMeta(z.string().check(z.trim(), z.minLength(10), z.maxLength(2000)), { description: 'What you want to do there.' }),
          serviceTag: z.optional(ServiceTag),
          serialNumber: z.optional(SerialNumber),
          companyName: OrgName,
          equipmentSiteAddress: PostalAddress,
        })
        .check(
          z.refine((b) => b.serviceTag !== undefined || b.serialNumber !== undefined, {
            message: 'give a service tag or a serial number',
            path: ['serviceTag'],
          }),
        ),
      { id: 'AccountUpgradeRequest' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    201: {
      description: 'The service request is open; its number is emailed too.',
      schema: withMeta(z.extend(ReviewReceipt, { serviceRequestNumber: withMeta(z.string().check(z.regex(/^\d{8}$/)), { description: 'The same as `reference`.' }) }), {
        id: 'UpgradeRequestReceipt',
      }),
    },
  },
  lambda: { uses: ['table:write', 'outbox', 'workflow'] },
}));

const Staff = /* @__PURE__ */ shakable(() => z.strictObject({ userId: text(128), email: Email }));

export const ReviewView = /* @__PURE__ */ shakable(() => withMeta(
  z.strictObject({
    reviewId: ReviewId,
    reference: text(8),
    kind: ReviewKind,
    status: z.enum(REVIEW_STATUSES),
    applicant: z.strictObject({ userId: text(128), email: Email, name: text(100), locale: Locale }),
    submittedAt: UtcDateTime,
    dueBy: withMeta(UtcDateTime, { description: 'Two business days after submission; reviewers are reminded then.' }),
    expiresAt: withMeta(UtcDateTime, { description: 'Undecided reviews expire 14 days after submission.' }),
    ageHours: withMeta(z.number(), { description: 'Hours since submission.' }),
    overdue: withMeta(z.boolean(), { description: 'Still pending after `dueBy`.' }),
    remindedAt: z.optional(UtcDateTime),
    organization: z.optional(
      z.strictObject({
        name: text(120),
        address: PostalAddress,
        country: CountryCode,
        domain: text(253),
        orgKind: z.enum(['customer', 'partner']),
        serviceTag: z.optional(text(12)),
        serialNumber: z.optional(text(40)),
      }),
    ),
    upgrade: z.optional(
      z.strictObject({
        phone: text(16),
        preferredContact: z.enum(CONTACT_METHODS),
        targetUrl: text(2048),
        intent: text(2000),
        serviceTag: z.optional(text(12)),
        serialNumber: z.optional(text(40)),
        companyName: text(120),
        equipmentSiteAddress: PostalAddress,
      }),
    ),
    reactivation: z.optional(z.strictObject({ orgName: text(120), note: z.optional(text(1000)) })),
    decision: z.optional(z.strictObject({ decision: z.enum(DECISIONS), reason: z.optional(text(1000)), decidedBy: Staff, decidedAt: UtcDateTime })),
    outcome: z.optional(
      z.strictObject({
        result: z.enum(['approved', 'rejected', 'expired']),
        orgId: z.optional(text(44)),
        orgName: z.optional(text(120)),
        tier: z.optional(z.enum(['basic', 'limited', 'enterprise', 'partner'])),
        reason: z.optional(text(1000)),
        automatic: z.optional(z.boolean()),
        appliedAt: UtcDateTime,
      }),
    ),
  }),
  { id: 'Review' },
));

export const listReviews = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listReviews',
  method: 'GET',
  path: '/reviews',
  handler: 'reviews/list-reviews',
  summary: 'The staff review queue: pending reviews, oldest first',
  description: 'Vendor staff only. Each review shows its age and the time it is due; `kind` narrows the queue to one kind.',
  tags: ['Reviews'],
  auth: { kind: 'staff' },
  request: { query: z.strictObject({ kind: z.optional(ReviewKind), limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of pending reviews.', schema: withMeta(page(ReviewView), { id: 'ReviewPage' }) } },
  lambda: { uses: ['table:read'] },
}));

export const decideReview = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'decideReview',
  method: 'POST',
  path: '/reviews/{reviewId}/decision',
  handler: 'reviews/decide-review',
  summary: 'Approve or reject a pending review',
  description:
    'Vendor staff only, never on their own request (403 `own_review`). A rejection needs a reason, which is emailed to the applicant; ' +
    'on an approval the reason is an optional note. The workflow applies the decision within seconds and emails the applicant. ' +
    '404 `review_not_found`; 409 `review_already_decided` or `review_expired` (a second decision never overrides the first).',
  tags: ['Reviews'],
  auth: { kind: 'staff' },
  request: {
    path: z.strictObject({ reviewId: ReviewId }),
    body: withMeta(
      z.discriminatedUnion('decision', [
        z.strictObject({ decision: z.literal('approve'), reason: withMeta(z.optional(Reason), { description: 'An optional note.' }) }),
        z.strictObject({ decision: z.literal('reject'), reason: withMeta(Reason, { description: 'Sent to the applicant.' }) }),
      ]),
      { id: 'ReviewDecision' },
    ),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 202: { description: 'The decision is recorded; the workflow applies it and emails the applicant.', schema: ReviewView } },
  lambda: { uses: ['table:write', 'workflow'] },
}));

export const reviewRoutes = [submitOrganizationForReview, requestAccountUpgrade, listReviews, decideReview] as const;
