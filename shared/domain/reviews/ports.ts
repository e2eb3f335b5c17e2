import type { EmailRequest } from '#shared/domain/email/ports.ts';
import type { IdentityProvider } from '#shared/domain/identity/ports.ts';
import type { DomainOwner, Membership, Org, PendingReview, PrincipalStore, Tier } from '#shared/domain/identity/model.ts';
import type { DomainOwnersSnapshot } from '#shared/domain/onboarding/domain-owners.ts';
import type { IdempotencyContext, StoredResponse } from '#shared/domain/shared/idempotency.ts';
import type { Clock, Ids } from '#shared/lib/ids.ts';
import type { Decision, RecordedDecision, Review, ReviewExecutionInput, ReviewKind, ReviewOutcome } from './model.ts';

/**
 * Port over the review workflow (Step Functions in AWS, a DynamoDB-backed interpreter locally).
 * - `start` is idempotent per review: the execution is named after the review, so starting it again (a
 *   client retry, a decision on a review whose start was lost) never makes a second one.
 * - `sendDecision` completes the task currently waiting with `taskToken`. A token that is no longer current
 *   (its wait timed out, or it was completed already) is ignored: the decision is stored on the review, and
 *   the next step of the workflow picks it up from there.
 */
export interface ReviewWorkflow {
  start(input: ReviewExecutionInput): Promise<{ executionId: string }>;
  sendDecision(taskToken: string, output: { decision: Decision }): Promise<void>;
}

/** Everything a submission writes, in one transaction. */
export interface SubmissionPlan {
  review: Review;
  /** Set on the applicant's profile; the write fails with 409 `review_pending` if one is pending already. */
  pendingReview: PendingReview;
  /**
   * Organization reviews: reserve `domain` for this review (409 `domain_review_pending` if another review
   * holds it), and require that the owners of the domain and its parent domains are still as the
   * submission read them (`owners` of each, 0 for none): otherwise 409 `domain_claimed`.
   */
  domainClaim?:
    | {
        domain: string;
        suffixOwners: { domain: string; owners: number }[];
        /**
         * The owners came from the applicant's snapshot, not a read: each suffix is checked for exactly the
         * snapshot's owner item (absent where it has none) instead of its owner count, and a failed check
         * throws StaleOwnersError (the use case reads the owners and decides again) instead of 409.
         */
        snapshot?: DomainOwnersSnapshot | undefined;
      }
    | undefined;
  /** The owners were read (P2) for this submission: stored on the applicant's profile as their new snapshot. */
  refreshedOwners?: DomainOwnersSnapshot | undefined;
  emails: EmailRequest[];
}

/** Everything applying (or expiring) a review writes, in one transaction. */
export interface CompletionPlan {
  reviewId: string;
  /** The status the review must still have (`decided` to apply a decision, `pending` to expire it). */
  from: 'decided' | 'pending';
  status: 'approved' | 'rejected' | 'expired';
  outcome: ReviewOutcome;
  /** The applicant's profile: `pendingReview` is always cleared; these are set when given. */
  applicant: { userId: string; tier?: Tier | undefined; primaryOrgId?: string | undefined; reactivate?: boolean | undefined };
  membership?: Membership | undefined;
  /** Releases the domain reserved at submission. */
  releaseDomain?: string | undefined;
  email: EmailRequest;
}

export interface PendingPage {
  reviews: Review[];
  /** The position after the last review, for the next page (opaque to the domain). */
  lastKey?: Record<string, unknown> | undefined;
}

/** Port over stored reviews. */
export interface ReviewStore {
  /**
   * Writes the plan, plus the idempotency record when `idempotency` is given (then a retry replays
   * `response`). Throws `ReferenceTakenError` when the plan's reference number exists already.
   */
  submit(plan: SubmissionPlan, idempotency: IdempotencyContext | undefined, response: StoredResponse): Promise<{ replayed: boolean; response: StoredResponse }>;
  get(reviewId: string): Promise<Review | undefined>;
  /** Pending reviews (all kinds, or one), oldest first. */
  listPending(query: { kind?: ReviewKind | undefined; limit: number; startKey?: Record<string, unknown> | undefined }): Promise<PendingPage>;
  /**
   * Records a staff decision on a pending review and takes it out of the queue, atomically; returns the
   * review as it now is. 404 `review_not_found`; 409 `review_already_decided` or `review_expired`; 403
   * `own_review` when the reviewer is the applicant (four eyes).
   */
  recordDecision(reviewId: string, decision: RecordedDecision): Promise<Review>;
  /** Stores the token of the workflow's current wait; returns the review as it now is (undefined if missing). */
  storeTaskToken(reviewId: string, taskToken: string): Promise<Review | undefined>;
  /** Sends `email` and records `at`, once: false (and nothing sent) if it was recorded before. */
  markNotified(reviewId: string, at: string, email: EmailRequest | undefined): Promise<boolean>;
  markReminded(reviewId: string, at: string, email: EmailRequest | undefined): Promise<boolean>;
  /** Applies the plan; 'already_completed' when the review is no longer in `plan.from` (a retried step). */
  complete(plan: CompletionPlan): Promise<'completed' | 'already_completed'>;
}

/** The part of the org directory that reviews use. */
export interface OrgDirectory {
  /** The owners of each of these domains that has any (one read). */
  domainOwners(domains: string[]): Promise<{ domain: string; owners: DomainOwner[] }[]>;
  /** Creates the org owning its domains atomically; ConflictError when the org id or a domain exists. */
  createOrg(org: Org): Promise<void>;
  /** Creates the org as a further owner of an owned domain; ConflictError when the org exists or the domain has no owner. */
  addDomainOwner(domain: string, org: Org): Promise<void>;
  getOrg(orgId: string): Promise<Org | undefined>;
}

/** The reference number drawn for a submission exists already; the use case draws another. */
export class ReferenceTakenError extends Error {
  override name = 'ReferenceTakenError';
}

export interface ReviewDeps {
  store: ReviewStore;
  workflow: ReviewWorkflow;
  orgs: OrgDirectory;
  clock: Clock;
  ids: Ids;
  /** A fresh 8-digit reference (crypto.randomInt in production). */
  nextReference: () => string;
  /** Where staff notifications go (REVIEW_TEAM_EMAIL). */
  reviewTeamEmail: string;
}

/** What submitting needs (each handler wires only the ports its use case uses: smaller bundles). */
export type SubmissionDeps = Pick<ReviewDeps, 'clock' | 'ids' | 'nextReference'> & {
  store: Pick<ReviewStore, 'submit'>;
  workflow: Pick<ReviewWorkflow, 'start'>;
  orgs: Pick<OrgDirectory, 'domainOwners'>;
};

/** What deciding needs. */
export type DecisionDeps = Pick<ReviewDeps, 'clock' | 'workflow'> & { store: Pick<ReviewStore, 'recordDecision'> };

/** What the staff queue needs. */
export type QueueDeps = Pick<ReviewDeps, 'clock'> & { store: Pick<ReviewStore, 'listPending'> };

/** What applying a decision needs on top: the applicant's memberships, and Cognito. */
export interface ApplyDeps extends ReviewDeps {
  principals: PrincipalStore;
  identity: Pick<IdentityProvider, 'enable'>;
}
