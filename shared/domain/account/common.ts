import { ForbiddenError, ValidationError } from '../errors.ts';
import type { Membership, Principal } from '../identity/model.ts';
import type { IdempotencyContext } from '../shared/idempotency.ts';

/** The membership the request acts in (X-Org-Id or the primary one); `org: true` routes guarantee one. */
export function memberOf(auth: Principal): Membership {
  if (!auth.activeOrg) throw new ForbiddenError('org_membership_required', 'This needs company access: join or register your organization first.');
  return auth.activeOrg;
}

/** Signed, scoped pagination cursors (the HTTP layer's codec). */
export interface Cursors {
  encode(lastKey: Record<string, unknown> | undefined, scope: string): Promise<string | undefined>;
  decode(cursor: string | undefined, scope: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Cursors bound to one list of one org for one caller (`scope`): a cursor issued for another org, user or
 * list is a 400, so a page can never continue into someone else's items.
 */
export function pager(cursors: Cursors, ...scope: string[]) {
  const s = scope.join('|');
  return {
    decode: (cursor: string | undefined) => cursors.decode(cursor, s),
    encode: (lastKey: Record<string, unknown> | undefined) => cursors.encode(lastKey, s),
  };
}

/** A page of views and the signed cursor of the next page, if any. */
export const pageOf = <T>(items: T[], nextCursor: string | undefined): { items: T[]; nextCursor?: string } =>
  nextCursor === undefined ? { items } : { items, nextCursor };

/**
 * The HTTP layer sets the idempotency context on every route that declares `idempotency: 'required'`; a
 * missing one is a wiring bug, not a client error.
 */
export function requireIdempotency(ctx: IdempotencyContext | undefined): IdempotencyContext {
  if (!ctx) throw new Error('idempotency context missing: the route must declare idempotency: required');
  return ctx;
}

export const DAY_MS = 24 * 3600 * 1000;
/** `2026-03-01` for a date. */
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** `2026-03-01` -> the start (or end) of that UTC day; date-times are normalised to UTC ISO. */
export function dayBound(value: string, end: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${end ? '23:59:59.999' : '00:00:00.000'}Z`;
  return new Date(value).toISOString();
}

/**
 * A date range from query bounds (dates or date-times), defaulting to the `defaultDays` up to now, at most
 * `maxDays` long: reports and histories are bounded so that one request does bounded work.
 */
export function dateRange(q: { from?: string | undefined; to?: string | undefined }, now: Date, defaultDays: number, maxDays: number): { from: string; to: string } {
  const to = q.to !== undefined ? dayBound(q.to, true) : now.toISOString();
  const from = q.from !== undefined ? dayBound(q.from, false) : new Date(new Date(to).getTime() - defaultDays * DAY_MS).toISOString();
  if (from > to) throw new ValidationError('invalid_date_range', '"from" must not be after "to".', 'query.from');
  if (new Date(to).getTime() - new Date(from).getTime() > maxDays * DAY_MS) {
    throw new ValidationError('date_range_too_long', `The range may cover at most ${maxDays} days; split it.`, 'query.from');
  }
  return { from, to };
}

/** Case- and space-insensitive comparison key for free-text labels (families, sites). */
export const labelKey = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Service tags and serial numbers are compared (and stored) upper case, without surrounding spaces. */
export const serialKey = (s: string) => s.trim().toUpperCase();
