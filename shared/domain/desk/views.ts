import type { Attachment, Feedback, IntakeState, Ticket, TicketComment, TicketSummary } from './model.ts';
import { ticketReference } from './rules.ts';

/**
 * The API views of the desk's records. Members never see staff user ids or the requester's email; staff
 * views add the requester's email (they write to them).
 */
export function attachmentView(a: Attachment) {
  return {
    attachmentId: a.attachmentId,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    purpose: a.purpose,
    uploadedAt: a.uploadedAt,
    uploadedBy: { role: a.uploadedBy.role },
  };
}

export function ticketView(t: Ticket, opts: { staff: boolean }) {
  return {
    ticketId: t.ticketId,
    reference: t.reference,
    orgId: t.orgId,
    orgName: t.orgName,
    status: t.status,
    version: t.version,
    requester: { userId: t.requester.userId, name: t.requester.name, ...(opts.staff ? { email: t.requester.email } : {}) },
    deliveryAddress: { ...t.deliveryAddress },
    ...(t.internalReference !== undefined ? { internalReference: t.internalReference } : {}),
    phone: t.phone,
    apprentice: t.apprentice,
    ...(t.comment !== undefined ? { comment: t.comment } : {}),
    ...(t.deviceModel !== undefined ? { deviceModel: t.deviceModel } : {}),
    ...(t.shipDate !== undefined ? { shipDate: t.shipDate } : {}),
    ...(t.serialNumbers !== undefined ? { serialNumbers: [...t.serialNumbers] } : {}),
    certificateRequired: t.apprentice,
    attachments: t.attachments.map(attachmentView),
    history: t.history.map((h) => ({
      at: h.at,
      ...(h.from !== undefined ? { from: h.from } : {}),
      to: h.to,
      by: { role: h.by.role, name: h.by.name },
      ...(h.note !== undefined ? { note: h.note } : {}),
    })),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
export type TicketView = ReturnType<typeof ticketView>;

export function summaryOf(t: Ticket): TicketSummary {
  return {
    ticketId: t.ticketId,
    orgId: t.orgId,
    orgName: t.orgName,
    reference: t.reference,
    status: t.status,
    requester: { userId: t.requester.userId, name: t.requester.name },
    ...(t.internalReference !== undefined ? { internalReference: t.internalReference } : {}),
    apprentice: t.apprentice,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export function summaryView(s: TicketSummary) {
  return {
    ticketId: s.ticketId,
    reference: s.reference,
    orgId: s.orgId,
    orgName: s.orgName,
    status: s.status,
    requester: { userId: s.requester.userId, name: s.requester.name },
    ...(s.internalReference !== undefined ? { internalReference: s.internalReference } : {}),
    apprentice: s.apprentice,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function commentView(c: TicketComment) {
  return {
    commentId: c.commentId,
    ticketId: c.ticketId,
    authorRole: c.authorRole,
    author: { name: c.author.name },
    body: c.body,
    attachmentIds: [...c.attachmentIds],
    createdAt: c.createdAt,
  };
}
export type CommentView = ReturnType<typeof commentView>;

export function feedbackView(f: Feedback, opts: { staff: boolean }) {
  return {
    feedbackId: f.feedbackId,
    rating: f.rating,
    text: f.text,
    createdAt: f.createdAt,
    ...(opts.staff ? { orgId: f.orgId, orgName: f.orgName, author: { ...f.author } } : {}),
  };
}
export type FeedbackView = ReturnType<typeof feedbackView>;

export function intakeView(i: IntakeState) {
  return {
    capacity: i.capacity,
    open: i.open,
    queued: i.queued,
    ...(i.lastNumber > 0 ? { lastReference: ticketReference(i.lastNumber) } : {}),
  };
}
