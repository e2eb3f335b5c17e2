/**
 * Every key string of the single table is built here and nowhere else. Prefixes are upper case, values are
 * ids we generate (or normalised emails and domains), separated by `#`. The access-pattern table in
 * docs/data-model.md names these builders.
 */
const k = (...parts: (string | number)[]) => parts.join('#');

export const keys = {
  user: (userId: string) => ({ pk: k('USER', userId), sk: 'PROFILE' }),
  userPartition: (userId: string) => k('USER', userId),
  userByEmail: (email: string) => ({ gsi1pk: k('EMAIL', email.toLowerCase()), gsi1sk: 'USER' }),

  membership: (userId: string, orgId: string) => ({ pk: k('USER', userId), sk: k('MEMBER', orgId) }),
  membershipSkPrefix: 'MEMBER#',
  /** Membership projected into the org's partition of gsi1: the org's user list. */
  membershipByOrg: (orgId: string, userId: string) => ({ gsi1pk: k('ORG', orgId), gsi1sk: k('MEMBER', userId) }),

  org: (orgId: string) => ({ pk: k('ORG', orgId), sk: 'PROFILE' }),
  orgPartition: (orgId: string) => k('ORG', orgId),

  /** One item per registered email domain, listing the orgs that own it (usually one). */
  domain: (domain: string) => ({ pk: k('DOMAIN', domain.toLowerCase()), sk: 'DOMAIN' }),

  outbox: (messageId: string) => ({ pk: k('OUTBOX', messageId), sk: 'OUTBOX' }),
  /** gsi2: undelivered outbox messages by creation time (sparse). */
  outboxPending: (createdAt: string, messageId: string) => ({ gsi2pk: 'OUTBOX#PENDING', gsi2sk: k(createdAt, messageId) }),
  outboxPendingPartition: 'OUTBOX#PENDING',

  idempotency: (scope: string, key: string) => ({ pk: k('IDEMPOTENCY', scope, key), sk: 'IDEMPOTENCY' }),
} as const;
