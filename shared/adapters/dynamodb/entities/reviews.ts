import { Entity } from 'dynamodb-toolbox/entity';
import { boolean } from 'dynamodb-toolbox/schema/boolean';
import { item } from 'dynamodb-toolbox/schema/item';
import { map } from 'dynamodb-toolbox/schema/map';
import { string } from 'dynamodb-toolbox/schema/string';
import { CONTACT_METHODS, DECISIONS, REVIEW_KINDS, REVIEW_STATUSES } from '#shared/domain/reviews/model.ts';
import { LOCALES, TIERS } from '#shared/domain/shared/vocabulary.ts';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';
import { ADDRESS } from './identity.ts';

/**
 * REVIEW#<reviewId> / REVIEW: a manual review (organization, upgrade or reactivation) from submission to
 * outcome. While `pending` it is projected into the staff queue, sparsely: gsi2 REVIEWS#PENDING (all kinds)
 * and gsi1 REVIEWS#PENDING#<kind>, both sorted by `<submittedAt>#<reviewId>`; the decision or the expiry
 * removes the four attributes in the same write.
 */
export const ReviewEntity = new Entity({
  name: 'Review',
  table: PortalTable,
  timestamps: false,
  schema: item({
    reviewId: string().key(),
    reference: string(),
    kind: string().enum(...REVIEW_KINDS),
    status: string().enum(...REVIEW_STATUSES),
    applicant: map({ userId: string(), email: string(), name: string(), locale: string().enum(...LOCALES) }),
    submittedAt: string(),
    dueBy: string(),
    expiresAt: string(),
    organization: map({
      name: string(),
      address: ADDRESS,
      country: string(),
      domain: string(),
      orgKind: string().enum('customer', 'partner'),
      serviceTag: string().optional(),
      serialNumber: string().optional(),
    }).optional(),
    upgrade: map({
      phone: string(),
      preferredContact: string().enum(...CONTACT_METHODS),
      targetUrl: string(),
      intent: string(),
      serviceTag: string().optional(),
      serialNumber: string().optional(),
      companyName: string(),
      equipmentSiteAddress: ADDRESS,
    }).optional(),
    reactivation: map({ orgName: string(), note: string().optional() }).optional(),
    decision: map({
      decision: string().enum(...DECISIONS),
      reason: string().optional(),
      decidedBy: map({ userId: string(), email: string() }),
      decidedAt: string(),
    }).optional(),
    outcome: map({
      result: string().enum('approved', 'rejected', 'expired'),
      orgId: string().optional(),
      orgName: string().optional(),
      tier: string().enum(...TIERS).optional(),
      reason: string().optional(),
      automatic: boolean().optional(),
      appliedAt: string(),
    }).optional(),
    taskToken: string().optional(),
    notifiedAt: string().optional(),
    remindedAt: string().optional(),
    gsi1pk: string().optional(),
    gsi1sk: string().optional(),
    gsi2pk: string().optional(),
    gsi2sk: string().optional(),
  }),
  computeKey: ({ reviewId }) => keys.review(reviewId),
});

/** REVIEWREF#<reference> / REVIEWREF: makes the 8-digit reference unique (conditional put with the review). */
export const ReviewReferenceEntity = new Entity({
  name: 'ReviewReference',
  table: PortalTable,
  timestamps: false,
  schema: item({
    reference: string().key(),
    reviewId: string(),
    createdAt: string(),
  }),
  computeKey: ({ reference }) => keys.reviewReference(reference),
});

/**
 * DOMAIN#<domain> / REVIEW_CLAIM: the domain is reserved by a pending organization review (one at a time:
 * conditional put). Released when the review is applied or expires.
 */
export const DomainReviewClaimEntity = new Entity({
  name: 'DomainReviewClaim',
  table: PortalTable,
  timestamps: false,
  schema: item({
    domain: string().key(),
    reviewId: string(),
    userId: string(),
    createdAt: string(),
  }),
  computeKey: ({ domain }) => keys.domainReviewClaim(domain),
});
