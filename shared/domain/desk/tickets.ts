import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import type { Membership, Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import type { DeliveryAddress, DeskPreferences, Feedback, Ticket, TicketStatus, Visibility } from './model.ts';
import { type Cursors, type DeskDeps, type ListFilter, StaleWriteError, requireIdempotency } from './ports.ts';
import { DEFAULT_INTAKE_CAPACITY, admitsNewTicket, canSeeTicket, seesWholeOrg, ticketReference } from './rules.ts';
import { type FeedbackView, type TicketView, feedbackView, intakeView, summaryOf, summaryView, ticketView } from './views.ts';

/** A foreign org's ticket, a ticket the caller may not see and a missing one all answer exactly this. */
export const ticketNotFound = () => new NotFoundError('ticket_not_found', 'No such ticket.', 'path.ticketId');

/** The membership the request acts in; the route's auth (`org: true`) guarantees one. */
export function memberOf(auth: Principal): Membership {
  if (!auth.activeOrg) throw new ForbiddenError('org_membership_required', 'This needs company access: join or register your organization first.');
  return auth.activeOrg;
}

export const viewerOf = (auth: Principal) => ({ userId: auth.userId, role: memberOf(auth).role });

// ---------------------------------------------------------------------------------------------------------
// SD-1 create

export interface DeviceRequestInput {
  deliveryAddress: DeliveryAddress;
  internalReference?: string | undefined;
  phone: string;
  apprentice: boolean;
  comment?: string | undefined;
}

/**
 * SD-1. Numbers the request (GEM-<n>, an atomic counter), then writes the ticket, its list entry, the intake
 * gauge change and the idempotency record in one transaction: Review while the desk has capacity and nobody
 * waits, else Queued (SD-2). The ticket id derives from the Idempotency-Key, so even the entity write is
 * conditional. A retry burns a number (gaps are allowed, duplicates never).
 */
export async function createDeviceRequest(
  input: DeviceRequestInput,
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: Pick<DeskDeps, 'store' | 'clock'>,
): Promise<{ replayed: boolean; ticket: TicketView }> {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const at = now.toISOString();
  const intake = await deps.store.takeTicketNumber(DEFAULT_INTAKE_CAPACITY);
  const number = intake.lastNumber;
  let status: TicketStatus = admitsNewTicket(intake) ? 'review' : 'queued';
  const requester = { userId: auth.userId, email: auth.email, name: auth.name, locale: auth.locale };

  // The gauge may move between the number and the write: then the other branch is right (at most a few flips).
  for (let attempt = 1; ; attempt++) {
    const ticket: Ticket = {
      ticketId: idempotentEntityId('tkt', idempotency),
      orgId: org.orgId,
      orgName: org.orgName,
      number,
      reference: ticketReference(number),
      status,
      version: 1,
      requester,
      deliveryAddress: input.deliveryAddress,
      internalReference: input.internalReference,
      phone: input.phone,
      apprentice: input.apprentice,
      comment: input.comment,
      attachments: [],
      history: [{ at, to: status, by: { role: 'requester', userId: auth.userId, name: auth.name } }],
      createdAt: at,
      updatedAt: at,
    };
    const view = ticketView(ticket, { staff: false });
    try {
      const out = await deps.store.createTicket(
        {
          ticket,
          summary: summaryOf(ticket),
          ...(status === 'queued'
            ? { queueEntry: { number, orgId: org.orgId, ticketId: ticket.ticketId, reference: ticket.reference, createdAt: at, requester } }
            : {}),
        },
        idempotency,
        { status: 201, body: view },
        now,
      );
      return { replayed: out.replayed, ticket: out.response.body as TicketView };
    } catch (e) {
      if (!(e instanceof StaleWriteError)) throw e;
      if (e.tickets.includes(0)) {
        // The key's ticket exists but its idempotency record expired (24 h): the key cannot be reused.
        throw new ConflictError('idempotency_key_expired', 'This Idempotency-Key already created a ticket; use a new key for a new request.', 'header.idempotency-key');
      }
      if (attempt >= 4) throw new ConflictError('desk_busy', 'The service desk is very busy; retry in a moment.');
      status = status === 'review' ? 'queued' : 'review';
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// SD-3 lists and details

export interface ListTicketsInput {
  scope: 'mine' | 'org';
  status?: TicketStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  requesterId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A cursor that stands in for the org's sharing setting (member view of the whole org) expires after this. */
export const MEMBER_ORG_CURSOR_MS = 15 * 60 * 1000;

/** `2026-03-01` -> the start (or end) of that UTC day; date-times are normalised to UTC ISO. */
export function dayBound(value: string | undefined, end: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  return new Date(value).toISOString();
}

const EARLIEST = '0000-01-01T00:00:00.000Z';
const LATEST = '9999-12-31T23:59:59.999Z';

export function listFilter(q: Pick<ListTicketsInput, 'status' | 'from' | 'to' | 'requesterId'>): ListFilter {
  const from = dayBound(q.from, false) ?? EARLIEST;
  const to = dayBound(q.to, true) ?? LATEST;
  if (from > to) throw new ValidationError('invalid_date_range', '"from" must not be after "to".', 'query.from');
  return { status: q.status, from, to, requesterId: q.requesterId };
}

/**
 * Pagination cursors carry the time of the first page (the one whose Query read the setting the cursor stands
 * in for), so a cursor that stands in for a setting expires that long after the setting was read: the next
 * page's cursor keeps the time it was given, it does not start the window again.
 */
function pager(cursors: Cursors, scope: string, now: Date) {
  let readAt = now.getTime();
  return {
    async decode(cursor: string | undefined, maxAgeMs?: number): Promise<Record<string, unknown> | undefined> {
      const raw = (await cursors.decode(cursor, scope)) as { k?: Record<string, unknown>; t?: number } | undefined;
      if (raw === undefined) return undefined;
      if (typeof raw.t !== 'number' || !raw.k || (maxAgeMs !== undefined && now.getTime() - raw.t > maxAgeMs)) {
        throw new ValidationError('invalid_cursor', 'This cursor is invalid here; start again from the first page.', 'query.cursor');
      }
      readAt = raw.t;
      return raw.k;
    },
    encode: async (lastKey: Record<string, unknown> | undefined) => (lastKey ? cursors.encode({ k: lastKey, t: readAt }, scope) : undefined),
  };
}
export { pager as deskPager };

/**
 * SD-3 list, newest first. `mine` reads the caller's own list (gsi1); `org` reads the org's desk partition:
 * site admins always may; other members only when the org shares tickets, which the same Query proves on the
 * first page (the settings item sorts after every entry), and the signed cursor carries that proof for 15 min.
 */
export async function listTickets(q: ListTicketsInput, auth: Principal, deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>) {
  const org = memberOf(auth);
  const viewer = viewerOf(auth);
  if (q.scope === 'mine' && q.requesterId !== undefined && q.requesterId !== auth.userId) {
    throw new ValidationError('requester_needs_org_scope', 'Filtering by another requester needs scope=org.', 'query.requesterId');
  }
  const filter = listFilter(q);
  const ownList = q.scope === 'mine' || q.requesterId === auth.userId;
  const mode = ownList ? 'mine' : seesWholeOrg(viewer) ? (q.requesterId ? 'requester' : 'org') : 'member';
  const scope = ['desk-tickets', org.orgId, auth.userId, mode, filter.status ?? '', filter.from, filter.to, filter.requesterId ?? ''].join('|');
  const pages = pager(deps.cursors, scope, deps.clock.now());
  const after = await pages.decode(q.cursor, mode === 'member' ? MEMBER_ORG_CURSOR_MS : undefined);

  let result;
  if (mode === 'mine') result = await deps.store.listRequesterTickets(org.orgId, auth.userId, { ...filter, requesterId: undefined }, q.limit, after);
  else if (mode === 'requester') result = await deps.store.listRequesterTickets(org.orgId, filter.requesterId as string, { ...filter, requesterId: undefined }, q.limit, after);
  else if (mode === 'org') result = await deps.store.listOrgTickets(org.orgId, filter, q.limit, after, false);
  else {
    result = await deps.store.listOrgTickets(org.orgId, filter, q.limit, after, true);
    if (after === undefined && result.settings?.visibility !== 'org') {
      throw new ForbiddenError('tickets_own_only', 'Your organization shows each member only their own tickets: use scope=mine.', 'query.scope');
    }
  }
  return pageOf(result.items.map(summaryView), await pages.encode(result.lastKey));
}

/** A page of views and the signed cursor of the next page, if any. */
export const pageOf = <T>(items: T[], nextCursor: string | undefined): { items: T[]; nextCursor?: string } =>
  nextCursor === undefined ? { items } : { items, nextCursor };

/** SD-3 detail: the ticket under the caller's org key plus the org's setting, in one read. */
export async function getTicket(ticketId: string, auth: Principal, deps: Pick<DeskDeps, 'store'>): Promise<TicketView> {
  const org = memberOf(auth);
  const { ticket, settings } = await deps.store.memberTicket(org.orgId, ticketId);
  if (!ticket || !canSeeTicket(viewerOf(auth), { requesterId: ticket.requester.userId }, settings.visibility)) throw ticketNotFound();
  return ticketView(ticket, { staff: false });
}

export async function getStaffTicket(ticketId: string, deps: Pick<DeskDeps, 'store'>): Promise<TicketView> {
  const ticket = await deps.store.ticketById(ticketId);
  if (!ticket) throw ticketNotFound();
  return ticketView(ticket, { staff: true });
}

/** The staff queue: every org's tickets in one status, oldest first (work in arrival order). */
export async function listStaffTickets(q: { status: TicketStatus; limit: number; cursor?: string | undefined }, auth: Principal, deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>) {
  const pages = pager(deps.cursors, ['staff-tickets', auth.userId, q.status].join('|'), deps.clock.now());
  const result = await deps.store.listTicketsByStatus(q.status, q.limit, await pages.decode(q.cursor));
  return pageOf(result.items.map(summaryView), await pages.encode(result.lastKey));
}

// ---------------------------------------------------------------------------------------------------------
// Settings, preferences, feedback

export async function getDeskSettings(auth: Principal, deps: Pick<DeskDeps, 'store'>) {
  const settings = await deps.store.getSettings(memberOf(auth).orgId);
  return { visibility: settings.visibility };
}

export async function updateDeskSettings(input: { visibility: Visibility }, auth: Principal, deps: Pick<DeskDeps, 'store' | 'clock'>) {
  const org = memberOf(auth);
  await deps.store.putSettings({ orgId: org.orgId, visibility: input.visibility, updatedAt: deps.clock.now().toISOString(), updatedBy: auth.userId });
  return { visibility: input.visibility };
}

export async function getDeskPreferences(auth: Principal, deps: Pick<DeskDeps, 'store'>) {
  const prefs = await deps.store.getPreferences(auth.userId);
  return { ticketEmails: prefs.ticketEmails };
}

export async function updateDeskPreferences(input: { ticketEmails: boolean }, auth: Principal, deps: Pick<DeskDeps, 'store' | 'clock'>) {
  const prefs: DeskPreferences = { userId: auth.userId, ticketEmails: input.ticketEmails, updatedAt: deps.clock.now().toISOString() };
  await deps.store.putPreferences(prefs);
  return { ticketEmails: prefs.ticketEmails };
}

/** SD-6: stored with who gave it; staff list it. */
export async function submitFeedback(
  input: { rating: number; text: string },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: Pick<DeskDeps, 'store' | 'clock'>,
): Promise<FeedbackView> {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const feedback: Feedback = {
    feedbackId: idempotentEntityId('fbk', idempotency),
    orgId: org.orgId,
    orgName: org.orgName,
    author: { userId: auth.userId, name: auth.name, email: auth.email },
    rating: input.rating,
    text: input.text,
    createdAt: now.toISOString(),
  };
  const out = await deps.store.addFeedback(feedback, idempotency, { status: 201, body: feedbackView(feedback, { staff: false }) }, now);
  return out.response.body as FeedbackView;
}

export async function listFeedback(q: { limit: number; cursor?: string | undefined }, auth: Principal, deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>) {
  const pages = pager(deps.cursors, ['staff-feedback', auth.userId].join('|'), deps.clock.now());
  const result = await deps.store.listFeedback(q.limit, await pages.decode(q.cursor));
  return pageOf(result.items.map((f) => feedbackView(f, { staff: true })), await pages.encode(result.lastKey));
}

export async function getDeskIntake(deps: Pick<DeskDeps, 'store'>) {
  const { intake } = await deps.store.readIntake(0);
  return intakeView(intake ?? { capacity: DEFAULT_INTAKE_CAPACITY, open: 0, queued: 0, lastNumber: 0 });
}

/** Whether a member sees a ticket, reading the org's setting only when the answer depends on it (error and colleague paths). */
export async function memberSees(ticket: Ticket, auth: Principal, deps: Pick<DeskDeps, 'store'>): Promise<boolean> {
  const viewer = viewerOf(auth);
  if (canSeeTicket(viewer, { requesterId: ticket.requester.userId }, 'own')) return true;
  const settings = await deps.store.getSettings(ticket.orgId);
  return canSeeTicket(viewer, { requesterId: ticket.requester.userId }, settings.visibility);
}
