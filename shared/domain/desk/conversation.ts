import { ConflictError, ForbiddenError, NotFoundError, PreconditionError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import { ATTACHMENT_TYPES, type Attachment, type AttachmentPurpose, type AttachmentType, type Ticket, type TicketComment } from './model.ts';
import { type AttachmentRef, type DeskDeps, StaleWriteError, requireIdempotency } from './ports.ts';
import { DOWNLOAD_URL_SECONDS, MAX_ATTACHMENTS_PER_TICKET, UPLOAD_URL_SECONDS, canSeeTicket, checkStoredObject, excerpt } from './rules.ts';
import { deskPager, memberOf, memberSees, pageOf, ticketNotFound, viewerOf } from './tickets.ts';
import { type CommentView, attachmentView, commentView } from './views.ts';

const closed = () => new ConflictError('ticket_closed', 'This ticket is billed and closed.', 'path.ticketId');
const requesterOnly = () => new ForbiddenError('requester_only', 'Only the requester writes on a ticket; colleagues and site admins can read it.');
const attachmentNotFound = (param: string) => new NotFoundError('attachment_not_found', 'No such attachment on this ticket.', param);

/**
 * The attachments a comment points at must be stored and genuine (type, size and first bytes). The object
 * key carries the org and ticket, so a foreign ticket's files cannot be referenced.
 */
async function checkUploaded(
  ref: Omit<AttachmentRef, 'attachmentId'>,
  ids: string[],
  declared: Map<string, Pick<Attachment, 'contentType' | 'size'>> | undefined,
  deps: Pick<DeskDeps, 'files'>,
): Promise<string | undefined> {
  for (const [i, attachmentId] of ids.entries()) {
    const stored = await deps.files.inspect({ ...ref, attachmentId });
    const known = declared?.get(attachmentId);
    const type = known?.contentType ?? ATTACHMENT_TYPES.find((t) => t === stored?.contentType);
    if (!stored || !type || checkStoredObject(stored, type, known?.size) !== undefined) return `body.attachmentIds.${i}`;
  }
  return undefined;
}

/** Why a requester's guarded write on a ticket was refused (read only on this error path). */
async function explainRefusal(orgId: string, ticketId: string, auth: Principal, deps: Pick<DeskDeps, 'store'>, extra?: (t: Ticket) => Error | undefined): Promise<Error> {
  const ticket = await deps.store.getTicket(orgId, ticketId);
  if (!ticket || !(await memberSees(ticket, auth, deps))) return ticketNotFound();
  if (ticket.requester.userId !== auth.userId) return requesterOnly();
  if (ticket.status === 'billed') return closed();
  return extra?.(ticket) ?? new ConflictError('ticket_changed', 'The ticket changed meanwhile; retry.');
}

/** SD-4, requester side: a comment on their own open ticket, guarded in the same write as the comment. */
export async function addTicketComment(
  ticketId: string,
  input: { body: string; attachmentIds: string[] },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>,
): Promise<{ replayed: boolean; comment: CommentView }> {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const badAttachment = await checkUploaded({ orgId: org.orgId, ticketId }, input.attachmentIds, undefined, deps);
  if (badAttachment) {
    throw await explainRefusal(org.orgId, ticketId, auth, deps, () =>
      new PreconditionError('attachment_not_uploaded', 'Upload the attachment (PDF, JPEG or PNG, at most 10 MB) before referencing it.', badAttachment),
    );
  }
  const comment: TicketComment = {
    commentId: idempotentEntityId('cmt', idempotency),
    ticketId,
    orgId: org.orgId,
    authorRole: 'requester',
    author: { userId: auth.userId, name: auth.name },
    body: input.body,
    attachmentIds: input.attachmentIds,
    createdAt: now.toISOString(),
  };
  try {
    const out = await deps.store.addComment({ comment, requesterId: auth.userId }, idempotency, { status: 201, body: commentView(comment) }, now);
    return { replayed: out.replayed, comment: out.response.body as CommentView };
  } catch (e) {
    if (!(e instanceof StaleWriteError)) throw e;
    throw await explainRefusal(org.orgId, ticketId, auth, deps, (t) => {
      const missing = input.attachmentIds.findIndex((id) => !t.attachments.some((a) => a.attachmentId === id));
      return missing >= 0 ? attachmentNotFound(`body.attachmentIds.${missing}`) : undefined;
    });
  }
}

/** SD-4, staff side: a reply on any org's ticket; the requester is emailed in their locale unless they opted out. */
export async function addStaffTicketComment(
  ticketId: string,
  input: { body: string; attachmentIds: string[] },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>,
): Promise<{ replayed: boolean; comment: CommentView }> {
  const idempotency = requireIdempotency(idempotencyContext);
  const ticket = await deps.store.ticketById(ticketId);
  if (!ticket) throw ticketNotFound();
  if (ticket.status === 'billed') throw closed();
  const declared = new Map(ticket.attachments.map((a) => [a.attachmentId, a] as const));
  const unknown = input.attachmentIds.findIndex((id) => !declared.has(id));
  if (unknown >= 0) throw attachmentNotFound(`body.attachmentIds.${unknown}`);
  const bad = await checkUploaded({ orgId: ticket.orgId, ticketId }, input.attachmentIds, declared, deps);
  if (bad) throw new PreconditionError('attachment_not_uploaded', 'That attachment was not uploaded as declared.', bad);
  const now = deps.clock.now();
  const comment: TicketComment = {
    commentId: idempotentEntityId('cmt', idempotency),
    ticketId,
    orgId: ticket.orgId,
    authorRole: 'staff',
    author: { userId: auth.userId, name: auth.name },
    body: input.body,
    attachmentIds: input.attachmentIds,
    createdAt: now.toISOString(),
  };
  const email = {
    recipientUserId: ticket.requester.userId,
    request: {
      template: 'ticket_comment' as const,
      locale: ticket.requester.locale,
      to: ticket.requester.email,
      data: { name: ticket.requester.name, reference: ticket.reference, authorRole: 'staff' as const, excerpt: excerpt(input.body) },
    },
  };
  try {
    const out = await deps.store.addComment({ comment, email }, idempotency, { status: 201, body: commentView(comment) }, now);
    return { replayed: out.replayed, comment: out.response.body as CommentView };
  } catch (e) {
    if (e instanceof StaleWriteError) throw closed();
    throw e;
  }
}

/** SD-4 history for members: the first page carries the ticket, which decides visibility. */
export async function listTicketComments(
  ticketId: string,
  q: { limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>,
) {
  const org = memberOf(auth);
  const pages = deskPager(deps.cursors, ['desk-comments', org.orgId, auth.userId, ticketId].join('|'), deps.clock.now());
  const after = await pages.decode(q.cursor);
  const result = await deps.store.listComments(org.orgId, ticketId, q.limit, after);
  if (after === undefined && (!result.ticket || !(await memberSees(result.ticket, auth, deps)))) throw ticketNotFound();
  return pageOf(result.items.map(commentView), await pages.encode(result.lastKey));
}

export async function listStaffTicketComments(
  ticketId: string,
  q: { limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>,
) {
  const pages = deskPager(deps.cursors, ['staff-comments', auth.userId, ticketId].join('|'), deps.clock.now());
  const after = await pages.decode(q.cursor);
  const result = await deps.store.listCommentsByTicketId(ticketId, q.limit, after);
  if (after === undefined && !result.ticket) throw ticketNotFound();
  return pageOf(result.items.map(commentView), await pages.encode(result.lastKey));
}

/**
 * SD-1/SD-4 attachments: the metadata joins the requester's ticket (bounded list) in the same write as the
 * idempotency record, and the client uploads straight to storage with a presigned PUT whose type and
 * length are signed. The stored object is checked again whenever it is relied on.
 */
export async function createAttachmentUpload(
  ticketId: string,
  input: { fileName: string; contentType: AttachmentType; size: number; purpose: AttachmentPurpose },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>,
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const attachment: Attachment = {
    attachmentId: idempotentEntityId('att', idempotency),
    fileName: input.fileName,
    contentType: input.contentType,
    size: input.size,
    purpose: input.purpose,
    uploadedAt: now.toISOString(),
    uploadedBy: { userId: auth.userId, role: 'requester' },
  };
  const ref = { orgId: org.orgId, ticketId, attachmentId: attachment.attachmentId };
  const upload = await deps.files.presignUpload(ref, input.contentType, input.size, UPLOAD_URL_SECONDS);
  const body = {
    attachment: attachmentView(attachment),
    upload: { method: 'PUT' as const, url: upload.url, headers: upload.headers, expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString() },
  };
  try {
    const out = await deps.store.addAttachment({ orgId: org.orgId, ticketId, attachment, requesterId: auth.userId }, idempotency, { status: 201, body }, now);
    return out.response.body as typeof body;
  } catch (e) {
    if (!(e instanceof StaleWriteError)) throw e;
    throw await explainRefusal(org.orgId, ticketId, auth, deps, (t) =>
      t.attachments.length >= MAX_ATTACHMENTS_PER_TICKET
        ? new ConflictError('too_many_attachments', `A ticket holds at most ${MAX_ATTACHMENTS_PER_TICKET} attachments.`, 'path.ticketId')
        : undefined,
    );
  }
}

async function downloadOf(ticket: Ticket, attachmentId: string, deps: Pick<DeskDeps, 'files' | 'clock'>) {
  const a = ticket.attachments.find((x) => x.attachmentId === attachmentId);
  if (!a) throw attachmentNotFound('path.attachmentId');
  const url = await deps.files.presignDownload({ orgId: ticket.orgId, ticketId: ticket.ticketId, attachmentId }, a.fileName, a.contentType, DOWNLOAD_URL_SECONDS);
  return { url, expiresAt: new Date(deps.clock.now().getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
}

export async function getAttachmentDownload(ticketId: string, attachmentId: string, auth: Principal, deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>) {
  const org = memberOf(auth);
  const { ticket, settings } = await deps.store.memberTicket(org.orgId, ticketId);
  if (!ticket || !canSeeTicket(viewerOf(auth), { requesterId: ticket.requester.userId }, settings.visibility)) throw ticketNotFound();
  return downloadOf(ticket, attachmentId, deps);
}

export async function getStaffAttachmentDownload(ticketId: string, attachmentId: string, deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>) {
  const ticket = await deps.store.ticketById(ticketId);
  if (!ticket) throw ticketNotFound();
  return downloadOf(ticket, attachmentId, deps);
}
