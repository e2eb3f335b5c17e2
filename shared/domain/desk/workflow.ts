import { ConflictError, PreconditionError, ValidationError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import type { HistoryEntry, IntakeState, QueueEntry, Ticket, TicketStatus } from './model.ts';
import { type DeskChanges, type DeskDeps, StaleWriteError, type TicketChange } from './ports.ts';
import {
  DEFAULT_INTAKE_CAPACITY,
  MAX_PROMOTIONS_PER_WRITE,
  checkStoredObject,
  checkTransition,
  needsCertificate,
  promotionsDue,
} from './rules.ts';
import { ticketNotFound } from './tickets.ts';
import { type TicketView, intakeView, ticketView } from './views.ts';

export interface TransitionInput {
  to: TicketStatus;
  expectedVersion: number;
  note?: string | undefined;
  deviceModel?: string | undefined;
  shipDate?: string | undefined;
  serialNumbers?: string[] | undefined;
}

type ChangeFields = Omit<TicketChange['set'], 'status' | 'updatedAt'>;
type Actor = { role: 'staff'; userId: string; name: string } | { role: 'system'; name: string };

const versionConflict = (current?: number) =>
  new ConflictError(
    'version_conflict',
    current === undefined ? 'The ticket changed meanwhile; reload it and try again.' : `The ticket is at version ${current}; reload it and try again.`,
    'body.expectedVersion',
  );

/** The status-change email to the requester (they may have opted out: the write checks it). */
function statusEmail(t: Pick<Ticket, 'requester' | 'reference'>, from: TicketStatus, to: TicketStatus, note: string | undefined): TicketChange['email'] {
  return {
    recipientUserId: t.requester.userId,
    request: {
      template: 'ticket_status_changed',
      locale: t.requester.locale,
      to: t.requester.email,
      data: { name: t.requester.name, reference: t.reference, fromStatus: from, toStatus: to, ...(note !== undefined ? { note } : {}) },
    },
  };
}

/** A queued ticket moving to Review, built from its queue entry alone (it was never edited while queued). */
export function promotionChange(entry: QueueEntry, at: string): TicketChange {
  return {
    orgId: entry.orgId,
    ticketId: entry.ticketId,
    createdAt: entry.createdAt,
    expect: { status: 'queued' },
    set: { status: 'review', updatedAt: at },
    history: { at, from: 'queued', to: 'review', by: { role: 'system', name: 'Service desk' }, note: 'Capacity freed: your request is now being reviewed.' },
    email: statusEmail(entry, 'queued', 'review', undefined),
  };
}

/**
 * The intake half of a change, with FIFO promotion: a ticket leaving Review first tries the cheap
 * optimistic write (valid while nobody waits); if the gauge says someone should move up, it reads the gauge
 * and the head of the queue and promotes them in the same transaction as the change itself.
 */
async function applyWithIntake(primary: TicketChange[], leavingReview: number, deps: Pick<DeskDeps, 'store' | 'clock'>) {
  if (leavingReview === 0) {
    try {
      await deps.store.applyChanges({ tickets: primary });
    } catch (e) {
      if (e instanceof StaleWriteError) throw versionConflict();
      throw e;
    }
    return;
  }
  let plan: DeskChanges = {
    tickets: primary,
    intake: { openDelta: -leavingReview, queuedDelta: 0, expect: { kind: 'no_promotion_due' }, dequeue: [] },
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.store.applyChanges(plan);
      return;
    } catch (e) {
      if (!(e instanceof StaleWriteError)) throw e;
      if (e.tickets.some((i) => i < primary.length)) throw versionConflict();
      if (attempt >= 5) throw new ConflictError('desk_busy', 'The service desk is very busy; retry in a moment.');
    }
    const { intake, queue } = await deps.store.readIntake(MAX_PROMOTIONS_PER_WRITE);
    plan = promotionPlan(primary, leavingReview, intake, queue, deps.clock.now().toISOString());
  }
}

export function promotionPlan(
  primary: TicketChange[],
  leavingReview: number,
  intake: IntakeState | undefined,
  queue: QueueEntry[],
  at: string,
  capacity?: number,
): DeskChanges {
  const gauge = intake ?? { capacity: DEFAULT_INTAKE_CAPACITY, open: 0, queued: 0, lastNumber: 0 };
  const target = { ...gauge, capacity: capacity ?? gauge.capacity };
  const heads = queue.slice(0, promotionsDue(target, leavingReview));
  return {
    tickets: [...primary, ...heads.map((h) => promotionChange(h, at))],
    intake: {
      openDelta: heads.length - leavingReview,
      queuedDelta: -heads.length,
      ...(capacity !== undefined ? { capacity } : {}),
      expect: { kind: 'exact', open: gauge.open, queued: gauge.queued },
      dequeue: heads.map((h) => h.number),
    },
  };
}

/** What a transition sets besides the status, after checking the SD-2 prerequisites of the target. */
/** Each field belongs to a target status: sending it with another one is a malformed request (400). */
function checkFields(input: TransitionInput) {
  if (input.deviceModel !== undefined && input.to !== 'ready_to_ship' && input.to !== 'ready_to_bill') {
    throw new ValidationError('field_not_allowed', 'deviceModel is set on the way to ready_to_ship or ready_to_bill.', 'body.deviceModel');
  }
  for (const field of ['shipDate', 'serialNumbers'] as const) {
    if (input[field] !== undefined && input.to !== 'ready_to_bill') {
      throw new ValidationError('field_not_allowed', `${field} is set on the way to ready_to_bill.`, `body.${field}`);
    }
  }
}

function prerequisites(ticket: Ticket, input: TransitionInput, today: string): ChangeFields {
  const deviceModel = input.deviceModel ?? ticket.deviceModel;
  if (input.to === 'ready_to_ship' || input.to === 'ready_to_bill') {
    if (!deviceModel) throw new PreconditionError('device_model_required', 'Ready to ship needs the device model.', 'body.deviceModel');
  }
  if (input.to !== 'ready_to_bill') return input.deviceModel !== undefined ? { deviceModel: input.deviceModel } : {};
  const shipDate = input.shipDate ?? ticket.shipDate;
  const serialNumbers = input.serialNumbers ?? ticket.serialNumbers;
  if (!shipDate) throw new PreconditionError('ship_date_required', 'Ready to bill needs the ship date.', 'body.shipDate');
  if (!serialNumbers?.length) throw new PreconditionError('serial_numbers_required', 'Ready to bill needs the serial number(s).', 'body.serialNumbers');
  if (shipDate > today) throw new PreconditionError('ship_date_in_future', 'The ship date cannot be in the future.', 'body.shipDate');
  if (shipDate < ticket.createdAt.slice(0, 10)) throw new PreconditionError('ship_date_before_request', 'The ship date cannot precede the request.', 'body.shipDate');
  return { ...(input.deviceModel !== undefined ? { deviceModel: input.deviceModel } : {}), shipDate, serialNumbers };
}

/** SD-1: an apprentice request leaves Review only with a stored, genuine training certificate. */
async function checkCertificate(ticket: Ticket, to: TicketStatus, deps: Pick<DeskDeps, 'files'>) {
  if (!needsCertificate(ticket, to)) return;
  const certificates = ticket.attachments.filter((a) => a.purpose === 'training_certificate');
  for (const a of certificates) {
    const stored = await deps.files.inspect({ orgId: ticket.orgId, ticketId: ticket.ticketId, attachmentId: a.attachmentId });
    if (checkStoredObject(stored, a.contentType, a.size) === undefined) return;
  }
  throw new PreconditionError(
    'certificate_required',
    certificates.length ? 'The training certificate was not uploaded as declared (PDF, JPEG or PNG, at most 10 MB).' : 'An apprentice request needs a training certificate before it leaves Review.',
    'body.to',
  );
}

/**
 * SD-2, staff side: checks the expected version, the edge, the prerequisites of the target, then writes
 * the change, its history entry, the requester's email and the intake effects in one transaction whose
 * condition is the version: of 50 concurrent changes from one version exactly one succeeds.
 */
export async function transitionTicket(
  ticketId: string,
  input: TransitionInput,
  auth: Principal,
  deps: Pick<DeskDeps, 'store' | 'files' | 'clock'>,
): Promise<TicketView> {
  checkFields(input);
  const ticket = await loadCurrent(ticketId, input.expectedVersion, deps);
  if (!ticket) throw ticketNotFound();
  if (ticket.version !== input.expectedVersion) throw versionConflict(ticket.version);
  const edge = checkTransition(ticket.status, input.to, 'staff');
  if (!edge.ok) {
    throw new ConflictError(
      'transition_not_allowed',
      edge.reason === 'system_only'
        ? `${ticket.status} -> ${input.to} happens automatically (capacity frees, or the invoice is paid).`
        : `A ticket in ${ticket.status} cannot move to ${input.to}.`,
      'body.to',
    );
  }
  const now = deps.clock.now();
  const set = prerequisites(ticket, input, now.toISOString().slice(0, 10));
  await checkCertificate(ticket, input.to, deps);
  return applyTransition(ticket, input.to, set, input.note, { role: 'staff', userId: auth.userId, name: auth.name }, deps);
}

async function applyTransition(
  ticket: Ticket,
  to: TicketStatus,
  set: ChangeFields,
  note: string | undefined,
  actor: Actor,
  deps: Pick<DeskDeps, 'store' | 'clock'>,
): Promise<TicketView> {
  const at = deps.clock.now().toISOString();
  const history: HistoryEntry = {
    at,
    from: ticket.status,
    to,
    by: actor.role === 'staff' ? { role: 'staff', userId: actor.userId, name: actor.name } : { role: 'system', name: actor.name },
    ...(note !== undefined ? { note } : {}),
  };
  const change: TicketChange = {
    orgId: ticket.orgId,
    ticketId: ticket.ticketId,
    createdAt: ticket.createdAt,
    expect: { status: ticket.status, version: ticket.version },
    set: { status: to, updatedAt: at, ...set },
    history,
    email: statusEmail(ticket, ticket.status, to, note),
  };
  await applyWithIntake([change], ticket.status === 'review' ? 1 : 0, deps);
  const after: Ticket = { ...ticket, ...set, status: to, version: ticket.version + 1, updatedAt: at, history: [...ticket.history, history] };
  return ticketView(after, { staff: actor.role === 'staff' });
}

/**
 * The staff lookup reads gsi1, which AWS updates a moment after the write: a version below the expected
 * one means the index has not caught up yet, so it is read again briefly before answering 409.
 */
async function loadCurrent(ticketId: string, expectedVersion: number, deps: Pick<DeskDeps, 'store'>): Promise<Ticket | undefined> {
  let ticket = await deps.store.ticketById(ticketId);
  for (let i = 0; i < 3 && ticket && ticket.version < expectedVersion; i++) {
    await new Promise((r) => setTimeout(r, 60 * (i + 1)));
    ticket = await deps.store.ticketById(ticketId);
  }
  return ticket;
}

/**
 * SD-2, billing side: a ticket whose invoice is paid moves Ready to bill -> Billed (closed). For the
 * billing use case; staff cannot take this edge themselves.
 */
export async function markTicketBilled(
  ref: { orgId: string; ticketId: string },
  note: string | undefined,
  deps: Pick<DeskDeps, 'store' | 'clock'>,
): Promise<TicketView> {
  const ticket = await deps.store.getTicket(ref.orgId, ref.ticketId);
  if (!ticket) throw ticketNotFound();
  const edge = checkTransition(ticket.status, 'billed', 'system');
  if (!edge.ok) throw new ConflictError('transition_not_allowed', `A ticket in ${ticket.status} cannot be billed.`);
  return applyTransition(ticket, 'billed', {}, note, { role: 'system', name: 'Billing' }, deps);
}

/**
 * The same Ready to bill -> Billed change as markTicketBilled, built without reading the ticket (from what
 * an invoice line recorded), so that paying an invoice moves all its tickets in a few transactions.
 */
export function billedChange(t: Pick<Ticket, 'orgId' | 'ticketId' | 'createdAt' | 'requester' | 'reference'>, at: string, note: string | undefined): TicketChange {
  return {
    orgId: t.orgId,
    ticketId: t.ticketId,
    createdAt: t.createdAt,
    expect: { status: 'ready_to_bill' },
    set: { status: 'billed', updatedAt: at },
    history: { at, from: 'ready_to_bill', to: 'billed', by: { role: 'system', name: 'Billing' }, ...(note !== undefined ? { note } : {}) },
    email: statusEmail(t, 'ready_to_bill', 'billed', note),
  };
}

/**
 * Staff set the intake capacity. Raising it lets queued tickets in, oldest first, in the same transaction
 * (up to MAX_PROMOTIONS_PER_WRITE per call; a ticket leaving Review or another call moves the rest).
 */
export async function updateDeskIntake(input: { capacity: number }, deps: Pick<DeskDeps, 'store' | 'clock'>) {
  for (let attempt = 1; ; attempt++) {
    const { intake, queue } = await deps.store.readIntake(MAX_PROMOTIONS_PER_WRITE);
    const plan = promotionPlan([], 0, intake, queue, deps.clock.now().toISOString(), input.capacity);
    try {
      await deps.store.applyChanges(plan);
    } catch (e) {
      if (e instanceof StaleWriteError && attempt < 5) continue;
      if (e instanceof StaleWriteError) throw new ConflictError('desk_busy', 'The service desk is very busy; retry in a moment.');
      throw e;
    }
    const gauge = intake ?? { capacity: DEFAULT_INTAKE_CAPACITY, open: 0, queued: 0, lastNumber: 0 };
    const moved = plan.tickets.length;
    return intakeView({ ...gauge, capacity: input.capacity, open: gauge.open + moved, queued: gauge.queued - moved });
  }
}
