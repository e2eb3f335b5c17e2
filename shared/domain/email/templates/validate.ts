import { ORG_ROLES } from '#shared/domain/shared/vocabulary.ts';
import {
  COMMENT_AUTHOR_ROLES,
  REVIEW_KINDS,
  TICKET_STATUSES,
  TemplateError,
  type TemplateData,
  type TemplateId,
} from './model.ts';

type Rule =
  | { readonly type: 'text' }
  | { readonly type: 'digits'; readonly length: number }
  | { readonly type: 'number'; readonly min: number; readonly integer: boolean }
  | { readonly type: 'oneOf'; readonly values: readonly string[] }
  | { readonly type: 'date' }
  | { readonly type: 'url' }
  | { readonly type: 'email' };

type Required = Rule & { readonly optional?: false };
type Optional = Rule & { readonly optional: true };

/** Every data field needs a rule, and a rule is optional exactly when the field is. */
type Spec<D> = { readonly [F in keyof D]-?: undefined extends D[F] ? Optional : Required };

const text: Required = { type: 'text' };
const date: Required = { type: 'date' };
const email: Required = { type: 'email' };
const url: Required = { type: 'url' };
const oneOf = (values: readonly string[]): Required => ({ type: 'oneOf', values });
const optional = (rule: Required): Optional => ({ ...rule, optional: true });
const kind = oneOf(REVIEW_KINDS);
const role = oneOf(ORG_ROLES);
const status = oneOf(TICKET_STATUSES);

export const SPECS: { readonly [K in TemplateId]: Spec<TemplateData[K]> } = {
  signup_code: { name: text, code: { type: 'digits', length: 6 }, expiresInMinutes: { type: 'number', min: 1, integer: true } },
  account_exists: { name: text, signInUrl: optional(url), resetPasswordUrl: optional(url) },
  org_joined: { name: text, orgName: text, role, accessGroup: text, url: optional(url) },
  review_received: { name: text, reference: text, expectedBy: date, kind },
  review_request_staff: {
    reference: text,
    kind,
    applicantEmail: email,
    orgName: text,
    ageHours: optional({ type: 'number', min: 0, integer: false }),
    dueBy: date,
    url: optional(url),
  },
  review_reminder_staff: { reference: text, kind, applicantEmail: email, dueBy: date, url: optional(url) },
  review_approved: { name: text, reference: text, orgName: text, kind, url: optional(url) },
  review_rejected: { name: text, reference: text, reason: text, kind },
  review_expired: { name: text, reference: text, kind, url: optional(url) },
  upgrade_requested: { name: text, serviceRequestNumber: { type: 'digits', length: 8 } },
  org_invite: {
    inviterName: text,
    orgName: text,
    role,
    signupUrl: url,
    expiresInDays: optional({ type: 'number', min: 1, integer: true }),
  },
  ticket_status_changed: {
    name: text,
    reference: text,
    fromStatus: status,
    toStatus: status,
    note: optional(text),
    url: optional(url),
  },
  ticket_comment: {
    name: text,
    reference: text,
    authorRole: oneOf(COMMENT_AUTHOR_ROLES),
    excerpt: text,
    url: optional(url),
  },
  invoice_issued: { name: text, orgName: text, invoiceNumber: text, total: text, dueDate: date, url: optional(url) },
  account_cancelled: { name: text },
  reactivation_requested: { name: text, reference: text },
};

export const isKnownTemplate = (id: string): id is TemplateId => Object.hasOwn(SPECS, id);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2025-02-30 over to March; a calendar date must survive the round trip.
  const day = `${match[1]}-${match[2]}-${match[3]}`;
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;
}

function isSafeUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  if (u.username !== '' || u.password !== '') return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOCAL_HOSTS.has(u.hostname));
}

/** Why the value breaks the rule, or undefined. Never echoes the value: it may be a verification code. */
function problem(rule: Rule, value: unknown): string | undefined {
  switch (rule.type) {
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? undefined : 'must be a non-empty string';
    case 'digits':
      return typeof value === 'string' && new RegExp(`^\\d{${rule.length}}$`).test(value)
        ? undefined
        : `must be a string of ${rule.length} digits`;
    case 'number':
      return typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= rule.min &&
        (!rule.integer || Number.isInteger(value))
        ? undefined
        : `must be ${rule.integer ? 'an integer' : 'a number'} >= ${rule.min}`;
    case 'oneOf':
      return typeof value === 'string' && rule.values.includes(value) ? undefined : `must be one of ${rule.values.join(', ')}`;
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? undefined : 'must be an ISO 8601 date or date-time';
    case 'url':
      return typeof value === 'string' && isSafeUrl(value) ? undefined : 'must be an absolute https URL';
    case 'email':
      return typeof value === 'string' && /^[^\s@]+@[^\s@]+$/.test(value) ? undefined : 'must be an email address';
  }
}

/**
 * Checks `data` against the template's spec and returns a fresh object holding only the declared
 * fields, so nothing the producer added by accident can reach the email. Unknown extra fields are
 * dropped rather than rejected: an older consumer must not fail messages from a newer producer.
 */
export function validateData<K extends TemplateId>(id: K, data: unknown): TemplateData[K] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TemplateError(id, `${id}: data must be an object`);
  }
  const spec: Record<string, Rule & { readonly optional?: boolean }> = SPECS[id];
  const clean: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(spec)) {
    const value: unknown = Object.hasOwn(data, field) ? (data as Record<string, unknown>)[field] : undefined;
    // JSON producers write null for "absent" as often as they omit the key.
    if (value === undefined || value === null) {
      if (rule.optional) continue;
      throw new TemplateError(id, `${id}: missing field "${field}"`, field);
    }
    const why = problem(rule, value);
    if (why !== undefined) throw new TemplateError(id, `${id}: field "${field}" ${why}`, field);
    clean[field] = value;
  }
  return clean as TemplateData[K];
}
