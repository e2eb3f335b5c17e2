import type { Review } from '#shared/domain/reviews/model.ts';
import { ET, type Item } from '../commands.ts';
import { keys } from '../keys.ts';

/** The `_et` of each review item. */
export const REVIEW_ENTITY = { review: 'Review', reference: 'ReviewReference', domainClaim: 'DomainReviewClaim' } as const;

/**
 * REVIEW#<reviewId> / REVIEW: a manual review (organization, upgrade or reactivation) from submission to
 * outcome, the `Review` itself. While `pending` it is projected into the staff queue, sparsely: gsi2
 * REVIEWS#PENDING (all kinds) and gsi1 REVIEWS#PENDING#<kind>, both sorted by `<submittedAt>#<reviewId>`;
 * the decision or the expiry removes the four attributes in the same write. This builds the submitted item.
 */
export function pendingReviewItem(r: Review): Item {
  return {
    ...keys.review(r.reviewId),
    [ET]: REVIEW_ENTITY.review,
    ...r,
    ...keys.reviewsPending(r.submittedAt, r.reviewId),
    ...keys.reviewsPendingByKind(r.kind, r.submittedAt, r.reviewId),
  };
}

/** REVIEWREF#<reference> / REVIEWREF: makes the 8-digit reference unique (conditional put with the review). */
export interface ReviewReferenceRecord {
  reference: string;
  reviewId: string;
  createdAt: string;
}

export function reviewReferenceItem(r: ReviewReferenceRecord): Item {
  return { ...keys.reviewReference(r.reference), [ET]: REVIEW_ENTITY.reference, ...r };
}

/**
 * DOMAIN#<domain> / REVIEW_CLAIM: the domain is reserved by a pending organization review (one at a time:
 * conditional put). Released when the review is applied or expires.
 */
export interface DomainReviewClaim {
  domain: string;
  reviewId: string;
  userId: string;
  createdAt: string;
}

export function domainReviewClaimItem(c: DomainReviewClaim): Item {
  return { ...keys.domainReviewClaim(c.domain), [ET]: REVIEW_ENTITY.domainClaim, ...c };
}
