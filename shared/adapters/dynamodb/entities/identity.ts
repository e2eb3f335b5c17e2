import { Entity } from 'dynamodb-toolbox/entity';
import { item } from 'dynamodb-toolbox/schema/item';
import { string } from 'dynamodb-toolbox/schema/string';
import { boolean } from 'dynamodb-toolbox/schema/boolean';
import { list } from 'dynamodb-toolbox/schema/list';
import { map } from 'dynamodb-toolbox/schema/map';
import { ORG_ROLES } from '#shared/domain/shared/vocabulary.ts';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';

import { LOCALES } from '#shared/domain/shared/vocabulary.ts';

/** A postal address as stored (matches `PostalAddress` in the domain model). */
export const ADDRESS = map({
  line1: string(),
  line2: string().optional(),
  city: string(),
  postalCode: string(),
  region: string().optional(),
  country: string(),
});

/** USER#<userId> / PROFILE, projected to gsi1 as EMAIL#<email> / USER. */
export const UserEntity = new Entity({
  name: 'User',
  table: PortalTable,
  timestamps: false,
  schema: item({
    userId: string().key(),
    email: string(),
    name: string(),
    locale: string().enum(...LOCALES),
    phone: string().optional(),
    emailVerified: boolean(),
    status: string().enum('pending_verification', 'active', 'cancelled', 'disabled'),
    tier: string().enum('basic', 'limited', 'enterprise', 'partner'),
    emailDomain: string().optional(),
    freeMail: boolean().optional(),
    registration: map({
      relationship: string().enum('customer_employee', 'partner_employee', 'prospective_partner'),
      company: string(),
      jobTitle: string(),
      phone: string(),
      country: string(),
      siteAddress: ADDRESS,
      submittedAt: string(),
    }).optional(),
    orgCandidates: list(map({ orgId: string(), orgName: string() })).optional(),
    pendingReview: map({
      reviewId: string(),
      reference: string(),
      kind: string().enum('organization', 'upgrade', 'reactivation'),
      expectedBy: string(),
    }).optional(),
    primaryOrgId: string().optional(),
    createdAt: string(),
    updatedAt: string(),
  }).and((s) => ({
    gsi1pk: string().hidden().link<typeof s>(({ email }) => keys.userByEmail(email).gsi1pk),
    gsi1sk: string().hidden().link<typeof s>(() => keys.userByEmail('').gsi1sk),
  })),
  computeKey: ({ userId }) => keys.user(userId),
});

/** USER#<userId> / MEMBER#<orgId>, projected to gsi1 as ORG#<orgId> / MEMBER#<userId>. */
export const MembershipEntity = new Entity({
  name: 'Membership',
  table: PortalTable,
  timestamps: false,
  schema: item({
    userId: string().key(),
    orgId: string().key(),
    orgName: string(),
    orgKind: string().enum('customer', 'partner'),
    role: string().enum(...ORG_ROLES),
    accessGroup: string(),
    joinedAt: string(),
  }).and((s) => ({
    gsi1pk: string().hidden().link<typeof s>(({ orgId, userId }) => keys.membershipByOrg(orgId, userId).gsi1pk),
    gsi1sk: string().hidden().link<typeof s>(({ orgId, userId }) => keys.membershipByOrg(orgId, userId).gsi1sk),
  })),
  computeKey: ({ userId, orgId }) => keys.membership(userId, orgId),
});

/** ORG#<orgId> / PROFILE. */
export const OrgEntity = new Entity({
  name: 'Org',
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    name: string(),
    kind: string().enum('customer', 'partner'),
    country: string(),
    domains: list(string()),
    defaultRole: string().enum(...ORG_ROLES),
    ssoEnabled: boolean(),
    createdAt: string(),
  }),
  computeKey: ({ orgId }) => keys.org(orgId),
});

/** DOMAIN#<domain> / DOMAIN: the orgs owning a verified email domain (one, or several divisions). */
export const DomainEntity = new Entity({
  name: 'Domain',
  table: PortalTable,
  timestamps: false,
  schema: item({
    domain: string().key(),
    owners: list(
      map({
        orgId: string(),
        orgName: string(),
        kind: string().enum('customer', 'partner').optional(),
        defaultRole: string().enum(...ORG_ROLES).optional(),
      }),
    ),
    createdAt: string(),
  }),
  computeKey: ({ domain }) => keys.domain(domain),
});
