import type { Clock, Ids } from '#shared/lib/ids.ts';
import type { EmailRequest } from '../email/ports.ts';
import type { IdempotencyContext, StoredResponse } from '../shared/idempotency.ts';
import type {
  Attachment,
  AttachmentType,
  DeskPreferences,
  DeskSettings,
  Feedback,
  HistoryEntry,
  IntakeState,
  Page,
  QueueEntry,
  Ticket,
  TicketComment,
  TicketStatus,
  TicketSummary,
} from './model.ts';
import type { StoredObject } from './rules.ts';

/** An email about a ticket, sent unless its recipient opted out of ticket emails (checked in the same write). */
export interface TicketEmail {
  request: EmailRequest<'ticket_status_changed'> | EmailRequest<'ticket_comment'>;
  recipientUserId: string;
}

/** One ticket's status change: a conditional update that also appends the history entry and updates the list entry. */
export interface TicketChange {
  orgId: string;
  ticketId: string;
  /** Locates the ticket's list entry. */
  createdAt: string;
  /** The state the change was decided on; `version` is omitted for promotions (a queued ticket is never edited). */
  expect: { status: TicketStatus; version?: number };
  set: { status: TicketStatus; updatedAt: string; deviceModel?: string; shipDate?: string; serialNumbers?: string[] };
  history: HistoryEntry;
  email?: TicketEmail;
}

export interface IntakeChange {
  openDelta: number;
  queuedDelta: number;
  capacity?: number;
  /**
   * `no_promotion_due`: the optimistic path of a ticket leaving Review, valid while nobody waits or Review
   * stays over capacity. `exact`: the gauge still holds the values it was read with.
   */
  expect: { kind: 'no_promotion_due' } | { kind: 'exact'; open: number; queued: number };
  /** Queue entries (by GEM number) that leave the queue. */
  dequeue: number[];
}

/** Writes that must happen together: ticket changes (with their emails) and the intake gauge. */
export interface DeskChanges {
  tickets: TicketChange[];
  intake?: IntakeChange;
}

export interface NewTicket {
  ticket: Ticket;
  summary: TicketSummary;
  /** Set when the ticket starts as Queued. */
  queueEntry?: QueueEntry;
}

export interface ListFilter {
  status?: TicketStatus | undefined;
  /** Inclusive ISO bounds on the creation time. */
  from: string;
  to: string;
  requesterId?: string | undefined;
}

/**
 * A conditional write failed because what it was decided on has moved: `tickets` lists the indexes of the
 * ticket changes (or the new ticket, index 0) whose condition failed, `intake` whether the gauge or queue
 * did. The use case decides what that means (a version conflict, a promotion to include, ...).
 */
export class StaleWriteError extends Error {
  override name = 'StaleWriteError';
  constructor(
    readonly tickets: number[],
    readonly intake: boolean,
  ) {
    super(`stale write (tickets ${tickets.join(',') || '-'}, intake ${intake})`);
  }
}

/** Port over the desk's table items. Every method is one DynamoDB round trip unless it says otherwise. */
export interface DeskStore {
  /** Hands out the next GEM number (atomic counter) and returns the gauge as of that moment. */
  takeTicketNumber(defaultCapacity: number): Promise<IntakeState>;
  /** The gauge and the first `queueEntries` queued tickets, oldest first (one consistent Query). */
  readIntake(queueEntries: number): Promise<{ intake: IntakeState | undefined; queue: QueueEntry[] }>;
  /**
   * Writes the ticket, its list entry, the gauge change (+1 open, or +1 queued and the queue entry) and the
   * idempotency record in one transaction; replays or refuses a reused key. Throws StaleWriteError when the
   * gauge no longer allows the ticket's branch (intake) or the ticket exists (tickets [0]).
   */
  createTicket(input: NewTicket, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Promise<{ replayed: boolean; response: StoredResponse }>;
  /** The ticket (under the caller's org key) and the org's desk settings, in one BatchGetItem. */
  memberTicket(orgId: string, ticketId: string): Promise<{ ticket: Ticket | undefined; settings: DeskSettings }>;
  /** A ticket of any org by id (staff). */
  ticketById(ticketId: string): Promise<Ticket | undefined>;
  /** Applies the changes atomically; throws StaleWriteError when a condition fails. Ticket emails to recipients who opted out are dropped. */
  applyChanges(changes: DeskChanges): Promise<void>;

  listRequesterTickets(orgId: string, requesterId: string, filter: ListFilter, limit: number, after?: Record<string, unknown>): Promise<Page<TicketSummary>>;
  /** The org's tickets, newest first; with `withSettings` the same Query also returns the org's desk settings. */
  listOrgTickets(
    orgId: string,
    filter: ListFilter,
    limit: number,
    after: Record<string, unknown> | undefined,
    withSettings: boolean,
  ): Promise<Page<TicketSummary> & { settings?: DeskSettings }>;
  listTicketsByStatus(status: TicketStatus, limit: number, after?: Record<string, unknown>): Promise<Page<TicketSummary>>;

  /**
   * Adds a comment with its guard on the ticket (exists, not closed, holds the attachments, and is the
   * requester's when `requesterId` is set), its email and the idempotency record, in one transaction.
   * Throws StaleWriteError (tickets [0]) when the guard fails.
   */
  addComment(
    input: { comment: TicketComment; requesterId?: string; email?: TicketEmail },
    idempotency: IdempotencyContext,
    response: StoredResponse,
    now: Date,
  ): Promise<{ replayed: boolean; response: StoredResponse }>;
  /** Comments in order under the caller's org key; the first page also carries the ticket. */
  listComments(orgId: string, ticketId: string, limit: number, after?: Record<string, unknown>): Promise<Page<TicketComment> & { ticket?: Ticket }>;
  /** The same by ticket id alone (staff). */
  listCommentsByTicketId(ticketId: string, limit: number, after?: Record<string, unknown>): Promise<Page<TicketComment> & { ticket?: Ticket }>;

  /** Appends an attachment to the requester's open ticket (bounded list). Throws StaleWriteError (tickets [0]) when the guard fails. */
  addAttachment(
    input: { orgId: string; ticketId: string; attachment: Attachment; requesterId: string },
    idempotency: IdempotencyContext,
    response: StoredResponse,
    now: Date,
  ): Promise<{ replayed: boolean; response: StoredResponse }>;

  /** Consistent read used to explain a refused write (error paths only). */
  getTicket(orgId: string, ticketId: string): Promise<Ticket | undefined>;
  getSettings(orgId: string): Promise<DeskSettings>;
  putSettings(settings: DeskSettings): Promise<void>;
  getPreferences(userId: string): Promise<DeskPreferences>;
  putPreferences(prefs: DeskPreferences): Promise<void>;
  addFeedback(feedback: Feedback, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Promise<{ replayed: boolean; response: StoredResponse }>;
  listFeedback(limit: number, after?: Record<string, unknown>): Promise<Page<Feedback>>;
}

export interface AttachmentRef {
  orgId: string;
  ticketId: string;
  attachmentId: string;
}

/** Port over attachment storage (S3): presigned transfers, and a look at what was really stored. */
export interface FileStore {
  /** A URL the client PUTs the file to, and the headers it must send (signed: type and length). */
  presignUpload(
    ref: AttachmentRef,
    contentType: AttachmentType,
    size: number,
    expiresInSeconds: number,
  ): Promise<{ url: string; headers: { 'content-type': AttachmentType; 'content-length': string } }>;
  presignDownload(ref: AttachmentRef, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
  /** Type, size and first bytes of the stored object, or undefined when nothing was uploaded. */
  inspect(ref: AttachmentRef): Promise<StoredObject | undefined>;
}

/** Signed, scoped pagination cursors (the HTTP layer's codec). */
export interface Cursors {
  encode(lastKey: Record<string, unknown> | undefined, scope: string): Promise<string | undefined>;
  decode(cursor: string | undefined, scope: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * The HTTP layer sets the idempotency context on every route that declares `idempotency: 'required'`; its
 * static type does not say so, hence this guard (a missing context is a wiring bug, not a client error).
 */
export function requireIdempotency(ctx: IdempotencyContext | undefined): IdempotencyContext {
  if (!ctx) throw new Error('idempotency context missing: the route must declare idempotency: required');
  return ctx;
}

export interface DeskDeps {
  store: DeskStore;
  files: FileStore;
  clock: Clock;
  ids: Ids;
  cursors: Cursors;
}
