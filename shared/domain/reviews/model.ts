import type { Locale } from '#shared/domain/shared/vocabulary.ts';
import type { OrgKind, PostalAddress, Tier } from '#shared/domain/identity/model.ts';

// What a manual review decides on (ON-4 a new organization, ON-6 an upgrade, BI-5 a paid reactivation): one
// list, shared with the email templates that talk about it.
import { REVIEW_KINDS, type ReviewKind } from '#shared/domain/email/templates/model.ts';

export { REVIEW_KINDS, type ReviewKind };

/**
 * - `pending`: in the staff queue, waiting for a decision;
 * - `decided`: a reviewer decided; the workflow is applying it (seconds);
 * - `approved` / `rejected`: applied, final (an approval the system could not apply ends `rejected` with an
 *   automatic reason, see `applyDecision`);
 * - `expired`: nobody decided within 14 days, final.
 */
export const REVIEW_STATUSES = ['pending', 'decided', 'approved', 'rejected', 'expired'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

export const CONTACT_METHODS = ['email', 'phone'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

/** Who asked, as they were when they asked (the emails go to this address, in this language). */
export interface Applicant {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
}

/** ON-4: the organization to create, owning the applicant's verified email domain. */
export interface OrganizationDetails {
  name: string;
  address: PostalAddress;
  country: string;
  /** The applicant's verified email domain, reserved for this review from submission to decision. */
  domain: string;
  /** From the applicant's registration (ON-3): partner relationships make a partner org. */
  orgKind: OrgKind;
  serviceTag?: string | undefined;
  serialNumber?: string | undefined;
}

/** ON-6: the admin-support service request for an upgrade to Enterprise. */
export interface UpgradeDetails {
  phone: string;
  preferredContact: ContactMethod;
  targetUrl: string;
  intent: string;
  serviceTag?: string | undefined;
  serialNumber?: string | undefined;
  companyName: string;
  equipmentSiteAddress: PostalAddress;
}

/** BI-5: a paid account asks to be reactivated; support decides. */
export interface ReactivationDetails {
  /** Shown in the emails (the account's org, or the applicant's name without one). */
  orgName: string;
  note?: string | undefined;
}

export interface RecordedDecision {
  decision: Decision;
  /** Required for a rejection (sent to the applicant); an optional note on an approval. */
  reason?: string | undefined;
  decidedBy: { userId: string; email: string };
  decidedAt: string;
}

/** What applying the review did. */
export interface ReviewOutcome {
  result: 'approved' | 'rejected' | 'expired';
  /** The org the approval created (organization, or an upgrade of a user without org). */
  orgId?: string | undefined;
  orgName?: string | undefined;
  tier?: Tier | undefined;
  /** The rejection reason sent to the applicant (the reviewer's, or the system's). */
  reason?: string | undefined;
  /** The system turned an approval into a rejection (the domain was registered meanwhile). */
  automatic?: boolean | undefined;
  appliedAt: string;
}

export interface Review {
  reviewId: string;
  /** The 8-digit service request number the applicant quotes (ON-6), unique across reviews. */
  reference: string;
  kind: ReviewKind;
  status: ReviewStatus;
  applicant: Applicant;
  submittedAt: string;
  /** 2 business days after submission: the answer the applicant can expect, and the reviewers' reminder. */
  dueBy: string;
  /** 14 days after submission. */
  expiresAt: string;
  organization?: OrganizationDetails | undefined;
  upgrade?: UpgradeDetails | undefined;
  reactivation?: ReactivationDetails | undefined;
  decision?: RecordedDecision | undefined;
  outcome?: ReviewOutcome | undefined;
  /** The task token of the workflow's current wait (the decision completes it). Never leaves the backend. */
  taskToken?: string | undefined;
  notifiedAt?: string | undefined;
  remindedAt?: string | undefined;
}

/** The execution's input: which review, and when its two timers fire. */
export interface ReviewExecutionInput {
  reviewId: string;
  remindAt: string;
  expiresAt: string;
}

/** What the applicant gets back when submitting. */
export interface ReviewReceipt {
  reviewId: string;
  reference: string;
  kind: ReviewKind;
  status: 'pending';
  submittedAt: string;
  expectedBy: string;
}

/** The kind of org an approved organization review creates, from the ON-3 relationship. */
export function orgKindFor(relationship: string | undefined): OrgKind {
  return relationship === 'partner_employee' || relationship === 'prospective_partner' ? 'partner' : 'customer';
}
