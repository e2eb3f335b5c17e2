import type { Locale as ContractLocale, OrgRole } from '#shared/domain/shared/vocabulary.ts';

export const LOCALES = ['en', 'fr', 'de', 'sv', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

// The API contract declares the same set; this fails to compile the day the two drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const localesMatchContract: Same<Locale, ContractLocale> = true;
void localesMatchContract;

export type { OrgRole };

/** What a manual review decides on (ON-4 new organization, ON-6 upgrade, BI-5 paid reactivation). */
export const REVIEW_KINDS = ['organization', 'upgrade', 'reactivation'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

/** SD-2 ticket statuses, as stored; each locale owns the label shown to people. */
export const TICKET_STATUSES = ['review', 'ready_to_ship', 'ready_to_bill', 'billed', 'queued'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const COMMENT_AUTHOR_ROLES = ['staff', 'requester'] as const;
export type CommentAuthorRole = (typeof COMMENT_AUTHOR_ROLES)[number];

/**
 * The data each template needs. Dates are ISO 8601 (`2025-03-12` or a date-time with offset);
 * URLs are absolute https (http only on localhost). Optional `url` fields add a call-to-action
 * button; without them the email tells the reader where to go in words.
 */
export interface TemplateData {
  signup_code: { name: string; code: string; expiresInMinutes: number };
  account_exists: { name: string; signInUrl?: string | undefined; resetPasswordUrl?: string | undefined };
  org_joined: { name: string; orgName: string; role: OrgRole; accessGroup: string; url?: string | undefined };
  review_received: { name: string; reference: string; expectedBy: string; kind: ReviewKind };
  review_request_staff: {
    reference: string;
    kind: ReviewKind;
    applicantEmail: string;
    orgName: string;
    ageHours?: number | undefined;
    dueBy: string;
    url?: string | undefined;
  };
  review_reminder_staff: {
    reference: string;
    kind: ReviewKind;
    applicantEmail: string;
    dueBy: string;
    url?: string | undefined;
  };
  review_approved: { name: string; reference: string; orgName: string; kind: ReviewKind; url?: string | undefined };
  review_rejected: { name: string; reference: string; reason: string; kind: ReviewKind };
  review_expired: { name: string; reference: string; kind: ReviewKind; url?: string | undefined };
  upgrade_requested: { name: string; serviceRequestNumber: string };
  org_invite: {
    inviterName: string;
    orgName: string;
    role: OrgRole;
    signupUrl: string;
    expiresInDays?: number | undefined;
  };
  ticket_status_changed: {
    name: string;
    reference: string;
    fromStatus: TicketStatus;
    toStatus: TicketStatus;
    note?: string | undefined;
    url?: string | undefined;
  };
  ticket_comment: {
    name: string;
    reference: string;
    authorRole: CommentAuthorRole;
    excerpt: string;
    url?: string | undefined;
  };
  invoice_issued: {
    name: string;
    orgName: string;
    invoiceNumber: string;
    /** Already formatted with its currency by the billing side ("1 234,50 EUR"): shown as is. */
    total: string;
    dueDate: string;
    url?: string | undefined;
  };
  account_cancelled: { name: string };
  reactivation_requested: { name: string; reference: string };
}

export type TemplateId = keyof TemplateData;

/** Unknown template, or data missing a field or holding an invalid one. The caller treats it as permanent. */
export class TemplateError extends Error {
  override name = 'TemplateError';
  readonly templateId: string;
  /** The data field at fault, if the problem is one field. */
  readonly field: string | undefined;

  constructor(templateId: string, message: string, field?: string) {
    super(message);
    this.templateId = templateId;
    this.field = field;
  }
}
