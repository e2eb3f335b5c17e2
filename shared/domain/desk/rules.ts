import type { OrgRole } from '../shared/vocabulary.ts';
import type { AttachmentType, IntakeState, Ticket, TicketStatus, Visibility } from './model.ts';

/**
 * Open intake (tickets in Review) the desk takes before new requests start as Queued, unless staff set
 * another capacity on the intake item (updateDeskIntake). Org-independent: the vendor's team is one.
 */
export const DEFAULT_INTAKE_CAPACITY = 500;
/** Queued tickets promoted by one write at most (a transaction holds 100 items; a promotion writes 5). */
export const MAX_PROMOTIONS_PER_WRITE = 15;
export const MAX_ATTACHMENTS_PER_TICKET = 20;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_COMMENT = 5;
/** Presigned upload and download URLs stay valid this long. */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;

export const ticketReference = (n: number) => `GEM-${n}`;

/**
 * SD-2. Each status has one successor, and each edge one kind of actor: staff move a ticket through the
 * vendor's work, the system moves it into Review when capacity frees (FIFO) and to Billed when its invoice is
 * paid (billing). Every other move is a conflict.
 */
export const TRANSITIONS: Readonly<Record<TicketStatus, Partial<Record<TicketStatus, 'staff' | 'system'>>>> = {
  queued: { review: 'system' },
  review: { ready_to_ship: 'staff' },
  ready_to_ship: { ready_to_bill: 'staff' },
  ready_to_bill: { billed: 'system' },
  billed: {},
};

export type TransitionCheck = { ok: true } | { ok: false; reason: 'not_an_edge' | 'system_only' };

export function checkTransition(from: TicketStatus, to: TicketStatus, actor: 'staff' | 'system'): TransitionCheck {
  const who = TRANSITIONS[from][to];
  if (!who) return { ok: false, reason: 'not_an_edge' };
  if (who === 'system' && actor !== 'system') return { ok: false, reason: 'system_only' };
  return { ok: true };
}

/** New tickets enter Review only while no one is waiting and Review is under capacity (FIFO fairness). */
export const admitsNewTicket = (intake: Pick<IntakeState, 'open' | 'queued' | 'capacity'>) => intake.queued === 0 && intake.open < intake.capacity;

/**
 * How many queued tickets move to Review after `leaving` tickets leave it: as many as the freed capacity
 * takes, oldest first, bounded per write.
 */
export function promotionsDue(intake: Pick<IntakeState, 'open' | 'queued' | 'capacity'>, leaving: number): number {
  const free = intake.capacity - (intake.open - leaving);
  return Math.max(0, Math.min(intake.queued, free, MAX_PROMOTIONS_PER_WRITE));
}

export interface Viewer {
  userId: string;
  role: OrgRole;
}

/**
 * SD-3: the requester sees their ticket, site admins see all of their org's, and colleagues see each
 * other's only when the org shares tickets. Callers only ever read tickets under their own org's key, so
 * another org's ticket never reaches this check.
 */
export function canSeeTicket(viewer: Viewer, ticket: { requesterId: string }, visibility: Visibility): boolean {
  return ticket.requesterId === viewer.userId || viewer.role === 'site_admin' || visibility === 'org';
}

/** Whether a viewer may list the whole org without asking for the org's setting. */
export const seesWholeOrg = (viewer: Viewer) => viewer.role === 'site_admin';

/** The first bytes of each accepted format: the stored object must really be what it claims. */
const SIGNATURES: Readonly<Record<AttachmentType, readonly number[]>> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

/** What the file store found at an attachment's key. */
export interface StoredObject {
  contentType: string | undefined;
  size: number;
  head: Uint8Array;
}

export type ObjectProblem = 'missing' | 'too_large' | 'size_mismatch' | 'wrong_type' | 'content_mismatch';

/** Checks an uploaded object against the attachment's declared type (and size, when known) and the upload limits. */
export function checkStoredObject(obj: StoredObject | undefined, declared: AttachmentType, declaredSize?: number): ObjectProblem | undefined {
  if (!obj) return 'missing';
  if (obj.size > MAX_ATTACHMENT_BYTES) return 'too_large';
  if (declaredSize !== undefined && obj.size !== declaredSize) return 'size_mismatch';
  if (obj.contentType?.split(';')[0]?.trim().toLowerCase() !== declared) return 'wrong_type';
  const sig = SIGNATURES[declared];
  if (obj.head.length < sig.length || sig.some((b, i) => obj.head[i] !== b)) return 'content_mismatch';
  return undefined;
}

/** An apprentice request (SD-1) must carry a training certificate before it leaves Review. */
export const needsCertificate = (ticket: Pick<Ticket, 'apprentice' | 'status'>, to: TicketStatus) =>
  ticket.apprentice && ticket.status === 'review' && to !== 'review';

/** A short, single-paragraph excerpt of a comment for its notification email. */
export function excerpt(body: string, max = 280): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
