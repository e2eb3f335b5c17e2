import type { DeskPreferences, DeskSettings, Feedback, QueueEntry, Ticket, TicketComment, TicketSummary } from '#shared/domain/desk/model.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/** The `_et` of each desk item (the device projection's stream filter matches `ticket`). */
export const DESK_ENTITY = {
  ticket: 'Ticket',
  comment: 'TicketComment',
  entry: 'DeskEntry',
  settings: 'DeskSettings',
  intake: 'DeskIntake',
  queueEntry: 'DeskQueueEntry',
  preferences: 'DeskPreferences',
  feedback: 'DeskFeedback',
} as const;

/**
 * ORG#<orgId>#TICKET#<ticketId> / TICKET: the ticket with its history and attachment metadata (both
 * bounded lists). gsi1 TICKET#<ticketId> / TICKET (staff lookup without the org), gsi2 TICKETS#<status> /
 * <createdAt>#<ticketId> (staff queue). `attachmentIds` mirrors the attachments for `contains` guards.
 */
export function ticketItem(t: Ticket): Item {
  return {
    ...keys.ticket(t.orgId, t.ticketId),
    [ET]: DESK_ENTITY.ticket,
    ...t,
    attachmentIds: t.attachments.map((a) => a.attachmentId),
    ...keys.ticketById(t.ticketId),
    ...keys.ticketsByStatus(t.status, t.createdAt, t.ticketId),
  };
}

/** ORG#<orgId>#TICKET#<ticketId> / TICKET#C#<createdAt>#<commentId>, mirrored to gsi1 under TICKET#<ticketId>. */
export function commentItem(c: TicketComment): Item {
  return {
    ...keys.ticketComment(c.orgId, c.ticketId, c.createdAt, c.commentId),
    [ET]: DESK_ENTITY.comment,
    ...c,
    ...keys.ticketCommentById(c.ticketId, c.createdAt, c.commentId),
  };
}

/** What a desk entry stores of its ticket's summary (the requester flattened). */
export interface DeskEntryRecord {
  orgId: string;
  createdAt: string;
  ticketId: string;
  orgName: string;
  reference: string;
  status: TicketSummary['status'];
  requesterId: string;
  requesterName: string;
  internalReference?: string | undefined;
  apprentice: boolean;
  updatedAt: string;
}

/**
 * ORG#<orgId>#DESK / REQ#<createdAt>#<ticketId>: the org's list entry of a ticket (what lists show),
 * mirrored to gsi1 under ORG#<orgId>#USER#<requesterId>#TICKETS ("My requests").
 */
export function deskEntryItem(s: TicketSummary): Item {
  const entry: DeskEntryRecord = {
    orgId: s.orgId,
    createdAt: s.createdAt,
    ticketId: s.ticketId,
    orgName: s.orgName,
    reference: s.reference,
    status: s.status,
    requesterId: s.requester.userId,
    requesterName: s.requester.name,
    ...(s.internalReference !== undefined ? { internalReference: s.internalReference } : {}),
    apprentice: s.apprentice,
    updatedAt: s.updatedAt,
  };
  return {
    ...keys.deskEntry(s.orgId, s.createdAt, s.ticketId),
    [ET]: DESK_ENTITY.entry,
    ...entry,
    ...keys.deskEntryByRequester(s.orgId, s.requester.userId, s.createdAt, s.ticketId),
  };
}

/** ORG#<orgId>#DESK / SETTINGS: who sees the org's tickets (absent: own tickets only). */
export function deskSettingsItem(s: DeskSettings): Item {
  return { ...keys.deskSettings(s.orgId), [ET]: DESK_ENTITY.settings, ...s };
}

/**
 * DESK#INTAKE / COUNTER: GEM counter (`seq`), tickets in Review (`open`), `queued`, `capacity`, each absent
 * until first written; `desk` is always INTAKE_DESK. Only ever written by updates (the repository's).
 */
export const INTAKE_DESK = 'main';

export interface IntakeRecord {
  desk: typeof INTAKE_DESK;
  seq?: number;
  open?: number;
  queued?: number;
  capacity?: number;
}

/** DESK#INTAKE / QUEUE#<12-digit GEM number>: a queued ticket, FIFO by number, with what its promotion needs. */
export function queueEntryItem(q: QueueEntry): Item {
  return { ...keys.deskQueueEntry(q.number), [ET]: DESK_ENTITY.queueEntry, ...q };
}

/** USER#<userId>#DESK / PREFERENCES: the per-user ticket email opt-out (absent: emails on). */
export function preferencesItem(p: DeskPreferences): Item {
  return { ...keys.deskPreferences(p.userId), [ET]: DESK_ENTITY.preferences, ...p };
}

/** DESK#FEEDBACK / <createdAt>#<feedbackId>: SD-6 feedback, newest last. */
export function feedbackItem(f: Feedback): Item {
  return { ...keys.feedback(f.createdAt, f.feedbackId), [ET]: DESK_ENTITY.feedback, ...f };
}
