import * as z from 'zod/mini';
import { CountryCode, Cursor, type OrgRole, PageLimit, UserId, shakable } from '../common.ts';
import { withMeta } from '../common.ts';
import { type RouteAuth, defineRoute } from '../route.ts';
import { E164, postalCodeProblem } from '#shared/domain/desk/address.ts';
import { ATTACHMENT_PURPOSES, ATTACHMENT_TYPES, TICKET_STATUSES, VISIBILITIES } from '#shared/domain/desk/model.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_COMMENT } from '#shared/domain/desk/rules.ts';

// ---------------------------------------------------------------------------------------------------------
// Building blocks

/** One line of text: trimmed, 1..max characters, no control characters (they have no place in a field and could forge log lines). */
const Line = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'));
/** Free text: like Line, but line breaks and tabs are allowed. */
const Paragraphs = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^(?:[^\p{Cc}]|[\n\r\t])*$/u, 'must not contain control characters other than line breaks'));

const unique = (xs: readonly string[]) => new Set(xs).size === xs.length;

/** Response fields: every string and array bounded, integers 32-bit (the OWASP API ruleset checks both). */
const Text = (max = 200) => z.string().check(z.maxLength(max));
const Id = /* @__PURE__ */ shakable(() => Text(64));
const Time = /* @__PURE__ */ shakable(() => z.iso.datetime().check(z.maxLength(40)));
/** zod-openapi does not emit a format for int32: it is declared (last, as meta does not survive refinements). */
const int32 = (min: number, max: number) => withMeta(z.int32().check(z.minimum(min), z.maximum(max)), { format: 'int32' });
const Int = /* @__PURE__ */ shakable(() => int32(0, 2_147_483_647));

/** A page of items (at most 100) with the signed cursor of the next page, if any. */
const deskPage = <T extends z.ZodMiniType>(item: T) => z.strictObject({ items: z.array(item).check(z.maxLength(100)), nextCursor: z.optional(Cursor) });

export const TicketId = /* @__PURE__ */ shakable(() => withMeta(z.string().check(z.maxLength(24), z.regex(/^tkt_[0-9a-z]{20}$/, 'not a ticket id')), { description: 'Ticket id (`tkt_…`).' }));
export const AttachmentId = /* @__PURE__ */ shakable(() => z.string().check(z.maxLength(24), z.regex(/^att_[0-9a-z]{20}$/, 'not an attachment id')));
export const TicketStatus = /* @__PURE__ */ shakable(() => withMeta(z.enum(TICKET_STATUSES), {
  id: 'TicketStatus',
  description: 'SD-2: `review` (initial, the vendor checks) -> `ready_to_ship` -> `ready_to_bill` (shipped, invoiced) -> `billed` (paid, closed); `queued` when intake is over capacity.',
}));
/** A date (`2026-03-01`, the whole day) or a date-time with offset. */
const DateBound = /* @__PURE__ */ shakable(() => z.union([z.iso.date().check(z.maxLength(10)), z.iso.datetime({ offset: true }).check(z.maxLength(40))]));

export const DeliveryAddress = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    recipient: withMeta(Line(120), { description: 'Who receives the device: the requester or the end user.' }),
    company: z.optional(Line(120)),
    line1: Line(200),
    line2: z.optional(Line(200)),
    postalCode: withMeta(z.optional(z.string().check(z.trim(), z.maxLength(12))), { description: 'Validated per country; omitted where the country has none.' }),
    city: Line(100),
    region: z.optional(Line(100)),
    country: CountryCode.check(z.maxLength(2)),
  }).check(z.superRefine((a, ctx) => {
    const problem = postalCodeProblem(a.country, a.postalCode);
    if (problem) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: problem });
  })), { id: 'DeliveryAddress' }));

export const TicketAttachment = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    attachmentId: Id,
    fileName: Text(),
    contentType: z.enum(ATTACHMENT_TYPES),
    size: Int,
    purpose: z.enum(ATTACHMENT_PURPOSES),
    uploadedAt: Time,
    uploadedBy: z.strictObject({ role: z.enum(['requester', 'staff']) }),
  }), { id: 'TicketAttachment' }));

export const TicketHistoryEntry = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    at: Time,
    from: z.optional(TicketStatus),
    to: TicketStatus,
    by: z.strictObject({ role: z.enum(['requester', 'staff', 'system']), name: Text() }),
    note: z.optional(Text(1000)),
  }), { id: 'TicketHistoryEntry', description: 'One status change (the first entry is the creation).' }));

const RequesterView = /* @__PURE__ */ shakable(() => z.strictObject({
  userId: Id.check(z.maxLength(128)),
  name: Text(),
  email: withMeta(z.optional(Text(254)), { description: 'Staff views only.' }),
}));

export const Ticket = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    ticketId: Id,
    reference: withMeta(Text(32), { description: 'GEM-<n>: printed on the invoice.' }),
    orgId: Id,
    orgName: Text(),
    status: TicketStatus,
    version: withMeta(Int, { description: 'Send it back as `expectedVersion` when changing the status.' }),
    requester: RequesterView,
    deliveryAddress: DeliveryAddress,
    internalReference: z.optional(Text(64)),
    phone: Text(16),
    apprentice: z.boolean(),
    comment: z.optional(Text(2000)),
    deviceModel: z.optional(Text(120)),
    shipDate: z.optional(z.iso.date().check(z.maxLength(10))),
    serialNumbers: z.optional(z.array(Text(64)).check(z.maxLength(50))),
    certificateRequired: withMeta(z.boolean(), { description: 'An apprentice request needs a training certificate attachment before it leaves Review.' }),
    attachments: z.array(TicketAttachment).check(z.maxLength(20)),
    history: z.array(TicketHistoryEntry).check(z.maxLength(10)),
    createdAt: Time,
    updatedAt: Time,
  }), { id: 'Ticket' }));

export const TicketSummary = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
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
  }), { id: 'TicketSummary' }));

export const TicketComment = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    commentId: Id,
    ticketId: Id,
    authorRole: z.enum(['requester', 'staff']),
    author: z.strictObject({ name: Text() }),
    body: Text(4000),
    attachmentIds: z.array(Id).check(z.maxLength(MAX_ATTACHMENTS_PER_COMMENT)),
    createdAt: Time,
  }), { id: 'TicketComment' }));

export const AttachmentUpload = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    attachment: TicketAttachment,
    upload: z.strictObject({
      method: z.literal('PUT'),
      url: Text(4096),
      headers: withMeta(z.strictObject({ 'content-type': z.enum(ATTACHMENT_TYPES), 'content-length': Text(10) }), { description: 'Send exactly these headers with the file (they are signed).' }),
      expiresAt: Time,
    }),
  }), { id: 'AttachmentUpload' }));

export const AttachmentDownload = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ url: Text(4096), expiresAt: Time }), { id: 'AttachmentDownload' }));

export const DeskSettings = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    visibility: withMeta(z.enum(VISIBILITIES), { description: '`own` (default): members see their own tickets; `org`: every member sees the org\'s tickets. Site admins always see all.' }),
  }), { id: 'DeskSettings' }));

export const DeskPreferences = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ ticketEmails: withMeta(z.boolean(), { description: 'Emails about your tickets (status changes, staff replies).' }) }), { id: 'DeskPreferences' }));

export const DeskIntake = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    capacity: Int,
    open: withMeta(Int, { description: 'Tickets in Review.' }),
    queued: Int,
    lastReference: z.optional(Text(32)),
  }), { id: 'DeskIntake' }));

export const Feedback = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    feedbackId: Id,
    rating: int32(1, 5),
    text: Text(2000),
    createdAt: Time,
    orgId: z.optional(Id),
    orgName: z.optional(Text()),
    author: z.optional(z.strictObject({ userId: Text(128), name: Text(), email: Text(254) })),
  }), { id: 'Feedback' }));

const ticketPath = /* @__PURE__ */ shakable(() => z.strictObject({ ticketId: TicketId }));
const attachmentPath = /* @__PURE__ */ shakable(() => z.strictObject({ ticketId: TicketId, attachmentId: AttachmentId }));
const pageQuery = /* @__PURE__ */ shakable(() => z.strictObject({ limit: PageLimit, cursor: z.optional(Cursor) }));

/** SD: members of an Enterprise-customer or Partner account; everyone else gets a clear 403. */
const desk = (roles?: readonly OrgRole[]): RouteAuth => ({
  kind: 'user',
  org: true,
  tiers: ['enterprise', 'partner'],
  ...(roles ? { roles } : {}),
});
const staff: RouteAuth = { kind: 'staff' };
const TAGS = ['Service desk'] as const;
const STAFF_TAGS = ['Service desk(staff)'] as const;

// ---------------------------------------------------------------------------------------------------------
// Members

export const CreateDeviceRequestBody = /* @__PURE__ */ shakable(() => z.strictObject({
  deliveryAddress: DeliveryAddress,
  internalReference: withMeta(z.optional(Line(64)), { description: 'Your file or person number; printed on the invoice.' }),
  phone: withMeta(z.string().check(z.maxLength(16), z.regex(E164, 'an E.164 number, e.g. +41791234567')), { description: 'Called if the delivery runs into a problem.' }),
  apprentice: withMeta(z.boolean(), { description: 'A laptop for an apprentice or student: a training certificate attachment is then required.' }),
  comment: z.optional(Paragraphs(2000)),
}));

export const createDeviceRequest = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createDeviceRequest',
  method: 'POST',
  path: '/desk/tickets',
  handler: 'desk/create-device-request',
  summary: 'Order a device (SD-1): creates a ticket GEM-<n>',
  description:
    'Starts in `review`, or `queued` while the desk is over capacity. Retries with the same Idempotency-Key return the same ticket.',
  tags: TAGS,
  auth: desk(['site_admin', 'buyer', 'shopper']),
  idempotency: 'required',
  request: { body: CreateDeviceRequestBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The new ticket.', schema: Ticket } },
  lambda: { uses: ['table:write'] },
}));

export const ListTicketsQuery = /* @__PURE__ */ shakable(() => z.strictObject({
  scope: withMeta(z._default(z.enum(['mine', 'org']), 'mine'), { description: '`mine` ("My requests") or `org`: the org\'s tickets, for site admins and when the org shares tickets.' }),
  status: z.optional(TicketStatus),
  from: withMeta(z.optional(DateBound), { description: 'Created at or after (a date means from its start, UTC).' }),
  to: withMeta(z.optional(DateBound), { description: 'Created at or before (a date means until its end, UTC).' }),
  requesterId: withMeta(z.optional(UserId), { description: 'Only with `scope=org`.' }),
  limit: PageLimit,
  cursor: z.optional(Cursor),
}));

export const listTickets = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listTickets',
  method: 'GET',
  path: '/desk/tickets',
  handler: 'desk/list-tickets',
  summary: 'List tickets (SD-3), newest first',
  description: 'A page may hold fewer than `limit` tickets when filters apply; follow `nextCursor` until it is absent. 403 `tickets_own_only` when `scope=org` is asked in an org that does not share tickets.',
  tags: TAGS,
  auth: desk(),
  request: { query: ListTicketsQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of tickets.', schema: deskPage(TicketSummary) } },
}));

export const getTicket = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getTicket',
  method: 'GET',
  path: '/desk/tickets/{ticketId}',
  handler: 'desk/get-ticket',
  summary: 'A ticket with its history and attachments',
  tags: TAGS,
  auth: desk(),
  request: { path: ticketPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The ticket.', schema: Ticket } },
}));

export const AddCommentBody = /* @__PURE__ */ shakable(() => z.strictObject({
  body: Paragraphs(4000),
  attachmentIds: withMeta(z._default(z.array(AttachmentId).check(z.maxLength(MAX_ATTACHMENTS_PER_COMMENT), z.refine(unique, 'attachment ids must be unique')), []), { description: 'Uploaded attachments of this ticket (createAttachmentUpload).' }),
}));

export const addTicketComment = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'addTicketComment',
  method: 'POST',
  path: '/desk/tickets/{ticketId}/comments',
  handler: 'desk/add-ticket-comment',
  summary: 'Write to support on your ticket (SD-4)',
  description: 'Only the requester writes on a ticket (403 `requester_only` for colleagues who can see it); 409 `ticket_closed` once billed; 422 `attachment_not_uploaded`.',
  tags: TAGS,
  auth: desk(),
  idempotency: 'required',
  request: { path: ticketPath, body: AddCommentBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The comment.', schema: TicketComment } },
  lambda: { uses: ['table:write', 'files'] },
}));

export const listTicketComments = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listTicketComments',
  method: 'GET',
  path: '/desk/tickets/{ticketId}/comments',
  handler: 'desk/list-ticket-comments',
  summary: "A ticket's message history, oldest first",
  tags: TAGS,
  auth: desk(),
  request: { path: ticketPath, query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of comments.', schema: deskPage(TicketComment) } },
}));

export const CreateAttachmentBody = /* @__PURE__ */ shakable(() => z.strictObject({
  fileName: Line(200).check(z.regex(/^[^/\\]+$/, 'a file name, without folders')),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: withMeta(int32(1, MAX_ATTACHMENT_BYTES), { description: 'Bytes; at most 10 MB.' }),
  purpose: withMeta(z._default(z.enum(ATTACHMENT_PURPOSES), 'other'), { description: '`training_certificate` for an apprentice request (SD-1).' }),
}));

export const createAttachmentUpload = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'createAttachmentUpload',
  method: 'POST',
  path: '/desk/tickets/{ticketId}/attachments',
  handler: 'desk/create-attachment-upload',
  summary: 'Attach a file to your ticket: returns a presigned upload',
  description:
    'PUT the file to `upload.url` with `upload.headers` within 15 minutes. PDF, JPEG or PNG up to 10 MB; the stored file is checked (type, size, content) before it is used. 409 `too_many_attachments`, `ticket_closed`.',
  tags: TAGS,
  auth: desk(),
  idempotency: 'required',
  request: { path: ticketPath, body: CreateAttachmentBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The attachment and where to upload it.', schema: AttachmentUpload } },
  lambda: { uses: ['table:write', 'files'] },
}));

export const getAttachmentDownload = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getAttachmentDownload',
  method: 'GET',
  path: '/desk/tickets/{ticketId}/attachments/{attachmentId}',
  handler: 'desk/get-attachment-download',
  summary: 'A short-lived download URL for an attachment',
  tags: TAGS,
  auth: desk(),
  request: { path: attachmentPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Where to download it.', schema: AttachmentDownload } },
  lambda: { uses: ['files'] },
}));

export const SubmitFeedbackBody = /* @__PURE__ */ shakable(() => z.strictObject({
  rating: int32(1, 5),
  text: Paragraphs(2000),
}));

export const submitFeedback = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'submitFeedback',
  method: 'POST',
  path: '/desk/feedback',
  handler: 'desk/submit-feedback',
  summary: 'Give feedback on the service desk(SD-6)',
  tags: TAGS,
  auth: desk(),
  idempotency: 'required',
  request: { body: SubmitFeedbackBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'Thank you.', schema: Feedback } },
  lambda: { uses: ['table:write'] },
}));

export const getDeskSettings = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getDeskSettings',
  method: 'GET',
  path: '/desk/settings',
  handler: 'desk/get-desk-settings',
  summary: "The org's service desk settings",
  tags: TAGS,
  auth: desk(),
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The settings.', schema: DeskSettings } },
}));

export const updateDeskSettings = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateDeskSettings',
  method: 'PUT',
  path: '/desk/settings',
  handler: 'desk/update-desk-settings',
  summary: 'Choose who sees the org\'s tickets (site admins)',
  tags: TAGS,
  auth: desk(['site_admin']),
  request: { body: DeskSettings },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The settings.', schema: DeskSettings } },
  lambda: { uses: ['table:write'] },
}));

export const getDeskPreferences = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getDeskPreferences',
  method: 'GET',
  path: '/desk/preferences',
  handler: 'desk/get-desk-preferences',
  summary: 'Your ticket email preferences',
  tags: TAGS,
  auth: desk(),
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The preferences.', schema: DeskPreferences } },
}));

export const updateDeskPreferences = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateDeskPreferences',
  method: 'PUT',
  path: '/desk/preferences',
  handler: 'desk/update-desk-preferences',
  summary: 'Opt out of (or back into) ticket emails',
  tags: TAGS,
  auth: desk(),
  request: { body: DeskPreferences },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The preferences.', schema: DeskPreferences } },
  lambda: { uses: ['table:write'] },
}));

// ---------------------------------------------------------------------------------------------------------
// Vendor staff (across orgs: the org comes from the ticket)

export const listStaffTickets = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listStaffTickets',
  method: 'GET',
  path: '/staff/tickets',
  handler: 'desk/list-staff-tickets',
  summary: 'The staff queue: every org\'s tickets in one status, oldest first',
  tags: STAFF_TAGS,
  auth: staff,
  request: { query: z.strictObject({ status: z._default(TicketStatus, 'review'), limit: PageLimit, cursor: z.optional(Cursor) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of tickets.', schema: deskPage(TicketSummary) } },
}));

export const getStaffTicket = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getStaffTicket',
  method: 'GET',
  path: '/staff/tickets/{ticketId}',
  handler: 'desk/get-staff-ticket',
  summary: 'Any ticket, with its requester',
  tags: STAFF_TAGS,
  auth: staff,
  request: { path: ticketPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The ticket.', schema: Ticket } },
}));

export const TransitionBody = /* @__PURE__ */ shakable(() => z.strictObject({
  to: TicketStatus,
  expectedVersion: withMeta(int32(1, 1_000_000), { description: 'The `version` the change is based on; another one is a 409.' }),
  note: withMeta(z.optional(Paragraphs(1000)), { description: 'Kept in the history and sent to the requester.' }),
  deviceModel: withMeta(z.optional(Line(120)), { description: 'Required to reach `ready_to_ship` (unless already set).' }),
  shipDate: withMeta(z.optional(z.iso.date().check(z.maxLength(10))), { description: 'Required to reach `ready_to_bill`.' }),
  serialNumbers: withMeta(z.optional(z.array(z.string().check(z.maxLength(64), z.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/, 'letters, digits and dashes, at most 64'))).check(z.minLength(1), z.maxLength(50), z.refine(unique, 'serial numbers must be unique'))), { description: 'Required to reach `ready_to_bill`.' }),
}));

export const transitionTicket = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'transitionTicket',
  method: 'POST',
  path: '/staff/tickets/{ticketId}/transitions',
  handler: 'desk/transition-ticket',
  summary: 'Move a ticket to its next status (SD-2)',
  description:
    'Staff move `review` -> `ready_to_ship` -> `ready_to_bill`; `queued` -> `review` follows capacity and `billed` follows the paid invoice. ' +
    '409 `version_conflict` (another change came first) or `transition_not_allowed`; 422 `device_model_required`, `ship_date_required`, `serial_numbers_required`, `certificate_required`. ' +
    'The requester is emailed in their locale unless they opted out.',
  tags: STAFF_TAGS,
  auth: staff,
  request: { path: ticketPath, body: TransitionBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The ticket after the change.', schema: Ticket } },
  lambda: { uses: ['table:write', 'outbox', 'files'] },
}));

export const addStaffTicketComment = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'addStaffTicketComment',
  method: 'POST',
  path: '/staff/tickets/{ticketId}/comments',
  handler: 'desk/add-staff-ticket-comment',
  summary: 'Reply to the requester (SD-4); they are emailed',
  tags: STAFF_TAGS,
  auth: staff,
  idempotency: 'required',
  request: { path: ticketPath, body: AddCommentBody },
  responses: PORTAL_RESPONSE_SCHEMAS && { 201: { description: 'The comment.', schema: TicketComment } },
  lambda: { uses: ['table:write', 'outbox', 'files'] },
}));

export const listStaffTicketComments = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listStaffTicketComments',
  method: 'GET',
  path: '/staff/tickets/{ticketId}/comments',
  handler: 'desk/list-staff-ticket-comments',
  summary: "A ticket's message history, oldest first",
  tags: STAFF_TAGS,
  auth: staff,
  request: { path: ticketPath, query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of comments.', schema: deskPage(TicketComment) } },
}));

export const getStaffAttachmentDownload = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getStaffAttachmentDownload',
  method: 'GET',
  path: '/staff/tickets/{ticketId}/attachments/{attachmentId}',
  handler: 'desk/get-staff-attachment-download',
  summary: 'A short-lived download URL for an attachment (e.g. the training certificate)',
  tags: STAFF_TAGS,
  auth: staff,
  request: { path: attachmentPath },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Where to download it.', schema: AttachmentDownload } },
  lambda: { uses: ['files'] },
}));

export const listFeedback = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'listFeedback',
  method: 'GET',
  path: '/staff/feedback',
  handler: 'desk/list-feedback',
  summary: 'Service desk feedback, newest first (SD-6)',
  tags: STAFF_TAGS,
  auth: staff,
  request: { query: pageQuery },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'A page of feedback.', schema: deskPage(Feedback) } },
}));

export const getDeskIntake = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getDeskIntake',
  method: 'GET',
  path: '/staff/desk/intake',
  handler: 'desk/get-desk-intake',
  summary: 'Open intake against capacity, and the queue length',
  tags: STAFF_TAGS,
  auth: staff,
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The intake gauge.', schema: DeskIntake } },
}));

export const updateDeskIntake = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'updateDeskIntake',
  method: 'PUT',
  path: '/staff/desk/intake',
  handler: 'desk/update-desk-intake',
  summary: 'Set the intake capacity; queued tickets that now fit move to Review in order',
  tags: STAFF_TAGS,
  auth: staff,
  request: { body: z.strictObject({ capacity: int32(1, 100_000) }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The intake gauge.', schema: DeskIntake } },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const deskRoutes = [
  createDeviceRequest,
  listTickets,
  getTicket,
  addTicketComment,
  listTicketComments,
  createAttachmentUpload,
  getAttachmentDownload,
  submitFeedback,
  getDeskSettings,
  updateDeskSettings,
  getDeskPreferences,
  updateDeskPreferences,
  listStaffTickets,
  getStaffTicket,
  transitionTicket,
  addStaffTicketComment,
  listStaffTicketComments,
  getStaffAttachmentDownload,
  listFeedback,
  getDeskIntake,
  updateDeskIntake,
] as const;
