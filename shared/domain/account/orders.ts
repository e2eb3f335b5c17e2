import type { Ticket } from '../desk/model.ts';
import type { DeskDeps } from '../desk/ports.ts';
import { canSeeTicket } from '../desk/rules.ts';
import { createDeviceRequest, listTickets, ticketNotFound } from '../desk/tickets.ts';
import type { Principal } from '../identity/model.ts';
import type { IdempotencyContext } from '../shared/idempotency.ts';
import { availabilityOf } from './catalog.ts';
import { DAY_MS, isoDay, memberOf } from './common.ts';

/**
 * AC-4: recent orders are the org's device requests (desk tickets) of the last 30 days, shown with the
 * desk's visibility rules; re-ordering creates a new device request prefilled from an old one through the
 * desk's own create use case (same numbering, intake and idempotency), and says what changed.
 */
export const RECENT_ORDER_DAYS = 30;

/**
 * The window starts at the beginning of the day 30 days ago (UTC), so it is stable across the pages of one
 * listing (the signed cursor is bound to it).
 */
export const recentSince = (now: Date) => isoDay(new Date(now.getTime() - RECENT_ORDER_DAYS * DAY_MS));

export async function listRecentOrders(
  q: { scope: 'mine' | 'org'; limit: number; cursor?: string | undefined },
  auth: Principal,
  deps: Pick<DeskDeps, 'store' | 'clock' | 'cursors'>,
) {
  const since = recentSince(deps.clock.now());
  const page = await listTickets({ scope: q.scope, from: since, limit: q.limit, cursor: q.cursor }, auth, deps);
  return { since, ...page };
}

/** What the new request does not carry over as it was, and why. */
export interface ReorderChange {
  code: 'model_no_longer_offered' | 'model_not_recorded' | 'certificate_required' | 'attachments_not_copied' | 'requester_changed' | 'field_changed';
  field?: string | undefined;
  previous?: string | undefined;
  current?: string | undefined;
  message: string;
}

export interface ReorderOverrides {
  internalReference?: string | undefined;
  phone?: string | undefined;
  comment?: string | undefined;
}

const COMMENT_MAX = 2000;

/** The changes a re-order of `old` by `auth` with `overrides` brings, in a stable order. */
export function reorderChanges(old: Ticket, auth: Pick<Principal, 'userId' | 'name'>, overrides: ReorderOverrides): ReorderChange[] {
  const changes: ReorderChange[] = [];
  if (old.deviceModel) {
    const a = availabilityOf(old.deviceModel);
    if (a.status === 'discontinued') {
      changes.push({
        code: 'model_no_longer_offered',
        field: 'deviceModel',
        previous: old.deviceModel,
        ...(a.replacement ? { current: a.replacement.model } : {}),
        message: a.replacement
          ? `${old.deviceModel} is no longer offered; its successor ${a.replacement.model} is proposed.`
          : `${old.deviceModel} is no longer offered; the vendor will propose a current model.`,
      });
    }
  } else {
    changes.push({ code: 'model_not_recorded', field: 'deviceModel', message: 'The original request had no device model recorded yet; the vendor picks one again.' });
  }
  if (old.apprentice) {
    changes.push({ code: 'certificate_required', field: 'attachments', message: 'An apprentice request needs a training certificate: attach it to the new request.' });
  }
  const others = old.attachments.filter((x) => x.purpose !== 'training_certificate').length;
  if (others > 0) changes.push({ code: 'attachments_not_copied', field: 'attachments', previous: String(others), message: 'Attachments of the original request are not copied.' });
  if (old.requester.userId !== auth.userId) {
    changes.push({ code: 'requester_changed', field: 'requester', previous: old.requester.name, current: auth.name, message: 'You are the requester of the new request.' });
  }
  for (const field of ['internalReference', 'phone', 'comment'] as const) {
    const value = overrides[field];
    if (value !== undefined && value !== old[field]) {
      changes.push({ code: 'field_changed', field, ...(old[field] !== undefined ? { previous: old[field] } : {}), current: value, message: `${field} differs from the original request.` });
    }
  }
  return changes;
}

/** The new request's comment: the given (or original) one, then a note naming the original for the vendor. */
export function reorderComment(old: Ticket, overrides: ReorderOverrides, changes: ReorderChange[]): string {
  const model = changes.find((c) => c.code === 'model_no_longer_offered');
  const note = [
    `Re-order of ${old.reference}`,
    old.deviceModel ? (model ? `previously ${old.deviceModel}, no longer offered${model.current ? `; proposed: ${model.current}` : ''}` : `model: ${old.deviceModel}`) : undefined,
  ]
    .filter(Boolean)
    .join(' - ');
  const base = overrides.comment ?? old.comment;
  const text = base ? `${base}\n\n[${note}]` : `[${note}]`;
  return text.length <= COMMENT_MAX ? text : `${text.slice(0, COMMENT_MAX - 1)}…`;
}

/**
 * Re-orders a device request the caller can see (404 otherwise, like a foreign or missing one): same
 * delivery address, reference, phone and apprentice flag unless overridden; the desk numbers and admits it
 * like any new request, and the same Idempotency-Key returns the same new ticket.
 */
export async function reorder(
  ticketId: string,
  overrides: ReorderOverrides,
  auth: Principal,
  idempotency: IdempotencyContext | undefined,
  deps: { store: Pick<DeskDeps['store'], 'memberTicket' | 'takeTicketNumber' | 'createTicket'>; clock: DeskDeps['clock'] },
) {
  const org = memberOf(auth);
  const { ticket: old, settings } = await deps.store.memberTicket(org.orgId, ticketId);
  if (!old || !canSeeTicket({ userId: auth.userId, role: org.role }, { requesterId: old.requester.userId }, settings.visibility)) throw ticketNotFound();
  const changes = reorderChanges(old, auth, overrides);
  const { ticket } = await createDeviceRequest(
    {
      deliveryAddress: { ...old.deliveryAddress },
      internalReference: overrides.internalReference ?? old.internalReference,
      phone: overrides.phone ?? old.phone,
      apprentice: old.apprentice,
      comment: reorderComment(old, overrides, changes),
    },
    auth,
    idempotency,
    { store: deps.store as DeskDeps['store'], clock: deps.clock },
  );
  return { ticket, source: { ticketId: old.ticketId, reference: old.reference }, changes };
}
