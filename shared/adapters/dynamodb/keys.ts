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
  /**
   * The org item projected into its own user list on gsi1 (beside `membershipByOrg` and `invitationByOrg`):
   * `#ORG` sorts before `INVITE#…` and `MEMBER#…`, so the list's first page brings the org (its SSO status).
   */
  orgInDirectory: (orgId: string) => ({ gsi1pk: k('ORG', orgId), gsi1sk: '#ORG' }),

  /** One item per registered email domain, listing the orgs that own it (usually one). */
  domain: (domain: string) => ({ pk: k('DOMAIN', domain.toLowerCase()), sk: 'DOMAIN' }),

  outbox: (messageId: string) => ({ pk: k('OUTBOX', messageId), sk: 'OUTBOX' }),
  /** gsi2: undelivered outbox messages by creation time (sparse). */
  outboxPending: (createdAt: string, messageId: string) => ({ gsi2pk: 'OUTBOX#PENDING', gsi2sk: k(createdAt, messageId) }),
  outboxPendingPartition: 'OUTBOX#PENDING',

  idempotency: (scope: string, key: string) => ({ pk: k('IDEMPOTENCY', scope, key), sk: 'IDEMPOTENCY' }),

  /** A signup waiting for its emailed code (expires with its TTL). */
  signup: (email: string) => ({ pk: k('SIGNUP', email.toLowerCase()), sk: 'SIGNUP' }),
  /** A verified account's email: unique ownership, and what the signup path needs to write to its owner. */
  emailClaim: (email: string) => ({ pk: k('EMAIL', email.toLowerCase()), sk: 'EMAIL' }),
  /** A requested change of a user's email, waiting for the code sent to the new address. */
  emailChange: (userId: string) => ({ pk: k('USER', userId), sk: 'EMAIL_CHANGE' }),
  /** A send counter for one rate-limit window (e.g. `send-hour#<email>#<yyyy-mm-ddThh>`). */
  rateCounter: (window: string) => ({ pk: k('RATE', window), sk: 'RATE' }),

  // Partner service desk (SD-1..SD-6). A ticket's partition holds the ticket and its comments; the org's desk
  // partition holds its list entries and its desk settings, which sort after every entry (one Query reads both).
  ticket: (orgId: string, ticketId: string) => ({ pk: k('ORG', orgId, 'TICKET', ticketId), sk: 'TICKET' }),
  ticketPartition: (orgId: string, ticketId: string) => k('ORG', orgId, 'TICKET', ticketId),
  /** The ticket item and its comments share this sort-key prefix: the ticket sorts first. */
  ticketItemsPrefix: 'TICKET',
  ticketComment: (orgId: string, ticketId: string, createdAt: string, commentId: string) => ({
    pk: k('ORG', orgId, 'TICKET', ticketId),
    sk: k('TICKET', 'C', createdAt, commentId),
  }),
  ticketCommentsPrefix: 'TICKET#C#',
  /** gsi1: a ticket's items by ticket id alone (staff work across orgs and take the org from the ticket). */
  ticketById: (ticketId: string) => ({ gsi1pk: k('TICKET', ticketId), gsi1sk: 'TICKET' }),
  ticketCommentById: (ticketId: string, createdAt: string, commentId: string) => ({
    gsi1pk: k('TICKET', ticketId),
    gsi1sk: k('TICKET', 'C', createdAt, commentId),
  }),
  ticketByIdPartition: (ticketId: string) => k('TICKET', ticketId),
  /** gsi2: the staff queue, every org's tickets in one status by creation time. */
  ticketsByStatus: (status: string, createdAt: string, ticketId: string) => ({ gsi2pk: k('TICKETS', status), gsi2sk: k(createdAt, ticketId) }),
  ticketsByStatusPartition: (status: string) => k('TICKETS', status),

  deskPartition: (orgId: string) => k('ORG', orgId, 'DESK'),
  deskSettings: (orgId: string) => ({ pk: k('ORG', orgId, 'DESK'), sk: 'SETTINGS' }),
  /** One list entry per ticket in the org's desk partition, newest last; `SETTINGS` sorts after all of them. */
  deskEntry: (orgId: string, createdAt: string, ticketId: string) => ({ pk: k('ORG', orgId, 'DESK'), sk: k('REQ', createdAt, ticketId) }),
  /** Sort-key bounds of the entries created in [from, to] (ISO times). */
  deskEntryRange: (from: string, to: string) => [k('REQ', from), k('REQ', to, '~')] as [string, string],
  deskSettingsSk: 'SETTINGS',
  /** gsi1: the same entries per requester ("My requests"). */
  deskEntryByRequester: (orgId: string, userId: string, createdAt: string, ticketId: string) => ({
    gsi1pk: k('ORG', orgId, 'USER', userId, 'TICKETS'),
    gsi1sk: k(createdAt, ticketId),
  }),
  deskEntriesByRequesterPartition: (orgId: string, userId: string) => k('ORG', orgId, 'USER', userId, 'TICKETS'),
  deskEntryByRequesterRange: (from: string, to: string) => [from, k(to, '~')] as [string, string],

  /** The desk's intake gauge (GEM counter, open and queued counts, capacity) and its FIFO queue, in one partition. */
  deskIntake: () => ({ pk: 'DESK#INTAKE', sk: 'COUNTER' }),
  deskQueueEntry: (ticketNumber: number) => ({ pk: 'DESK#INTAKE', sk: k('QUEUE', String(ticketNumber).padStart(12, '0')) }),
  deskIntakePartition: 'DESK#INTAKE',

  deskPreferences: (userId: string) => ({ pk: k('USER', userId, 'DESK'), sk: 'PREFERENCES' }),
  feedback: (createdAt: string, feedbackId: string) => ({ pk: 'DESK#FEEDBACK', sk: k(createdAt, feedbackId) }),
  feedbackPartition: 'DESK#FEEDBACK',

  // Manual reviews (ON-4, ON-6, BI-5): P30-P35 in docs/data-model.md.
  review: (reviewId: string) => ({ pk: k('REVIEW', reviewId), sk: 'REVIEW' }),
  /** gsi2 (sparse, while pending): the staff queue, every kind, oldest first. */
  reviewsPending: (submittedAt: string, reviewId: string) => ({ gsi2pk: 'REVIEWS#PENDING', gsi2sk: k(submittedAt, reviewId) }),
  reviewsPendingPartition: 'REVIEWS#PENDING',
  /** gsi1 (sparse, while pending): the staff queue of one kind, oldest first. */
  reviewsPendingByKind: (kind: string, submittedAt: string, reviewId: string) => ({ gsi1pk: k('REVIEWS', 'PENDING', kind), gsi1sk: k(submittedAt, reviewId) }),
  reviewsPendingByKindPartition: (kind: string) => k('REVIEWS', 'PENDING', kind),
  /** A review's 8-digit reference (service request number): unique by a conditional put. */
  reviewReference: (reference: string) => ({ pk: k('REVIEWREF', reference), sk: 'REVIEWREF' }),
  /** An email domain reserved by a pending organization review; beside the domain's owner item. */
  domainReviewClaim: (domain: string) => ({ pk: k('DOMAIN', domain.toLowerCase()), sk: 'REVIEW_CLAIM' }),
  /** Local workflow engine only (npm start, tests): an execution, and the due-time index of its next event. */
  workflowExecution: (executionId: string) => ({ pk: k('WORKFLOW', executionId), sk: 'EXECUTION' }),
  workflowDue: (dueAt: string, executionId: string) => ({ gsi2pk: 'WORKFLOW#DUE', gsi2sk: k(dueAt, executionId) }),
  workflowDuePartition: 'WORKFLOW#DUE',

  // -------------------------------------------------------------------------------------------------------
  // Business account page (AC-1..AC-8): P50-P66 in docs/data-model.md. Every partition carries the org id
  // taken from the caller's membership (or, for invitations, the caller's verified address), so another
  // org's item reads as missing by construction.

  /** The org's account singletons: company details, account-team contacts, software subscriptions. */
  accountPartition: (orgId: string) => k('ORG', orgId, 'ACCOUNT'),
  orgDetails: (orgId: string) => ({ pk: k('ORG', orgId, 'ACCOUNT'), sk: 'DETAILS' }),
  accountContacts: (orgId: string) => ({ pk: k('ORG', orgId, 'ACCOUNT'), sk: 'CONTACTS' }),
  softwareSubscriptions: (orgId: string) => ({ pk: k('ORG', orgId, 'ACCOUNT'), sk: 'SOFTWARE' }),
  /** An invitation under the invitee's address (their invitations: one Query) ... */
  invitation: (email: string, orgId: string) => ({ pk: k('INVITE', email.toLowerCase()), sk: k('ORG', orgId) }),
  invitationsPartition: (email: string) => k('INVITE', email.toLowerCase()),
  /** ... and on gsi1 beside the org's memberships (`membershipByOrg`): the org's user list is one Query. */
  invitationByOrg: (orgId: string, email: string) => ({ gsi1pk: k('ORG', orgId), gsi1sk: k('INVITE', email.toLowerCase()) }),
  orgDirectoryPartition: (orgId: string) => k('ORG', orgId),
  /** The org's address book. */
  address: (orgId: string, addressId: string) => ({ pk: k('ORG', orgId, 'ADDRESSES'), sk: k('ADDRESS', addressId) }),
  addressBookPartition: (orgId: string) => k('ORG', orgId, 'ADDRESSES'),
  /** A user's express checkout profiles in one org. */
  checkoutProfile: (orgId: string, userId: string, profileId: string) => ({ pk: k('ORG', orgId, 'USER', userId, 'CHECKOUT'), sk: k('PROFILE', profileId) }),
  checkoutPartition: (orgId: string, userId: string) => k('ORG', orgId, 'USER', userId, 'CHECKOUT'),
  /** The org's assets by service tag / serial number, and its device groups, which sort just before them. */
  asset: (orgId: string, serial: string) => ({ pk: k('ORG', orgId, 'ASSETS'), sk: k('SERIAL', serial) }),
  assetsPartition: (orgId: string) => k('ORG', orgId, 'ASSETS'),
  assetSkPrefix: 'SERIAL#',
  deviceGroup: (orgId: string, groupId: string) => ({ pk: k('ORG', orgId, 'ASSETS'), sk: k('GROUP', groupId) }),
  deviceGroupSkPrefix: 'GROUP#',
  /** Sort-key bounds of a group's view: the group item first, then any later groups, then every asset. */
  deviceGroupViewRange: (groupId: string) => [k('GROUP', groupId), k('SERIAL', '~')] as [string, string],
  /** The org's service requests (contract renewals and upgrades) by creation time. */
  contractRequest: (orgId: string, createdAt: string, requestId: string) => ({ pk: k('ORG', orgId, 'CONTRACTS'), sk: k('REQ', createdAt, requestId) }),
  contractRequestsPartition: (orgId: string) => k('ORG', orgId, 'CONTRACTS'),
  contractRequestRange: (from: string, to: string) => [k('REQ', from), k('REQ', to, '~')] as [string, string],
  /** Documents the account team published for the org. */
  accountDocument: (orgId: string, documentId: string) => ({ pk: k('ORG', orgId, 'DOCUMENTS'), sk: k('DOC', documentId) }),
  accountDocumentsPartition: (orgId: string) => k('ORG', orgId, 'DOCUMENTS'),
  /** Billing integration point (InvoiceReportSource): an org's invoices by issue time, as reports read them. */
  invoiceReportEntry: (orgId: string, issuedAt: string, invoiceId: string) => ({ pk: k('ORG', orgId, 'INVOICES'), sk: k('INVOICE', issuedAt, invoiceId) }),
  invoiceReportPartition: (orgId: string) => k('ORG', orgId, 'INVOICES'),
  invoiceReportRange: (from: string, to: string) => [k('INVOICE', from), k('INVOICE', to, '~')] as [string, string],

  // -------------------------------------------------------------------------------------------------------
  // Billing (SD-5, BI-1..BI-5): P70-P82 in docs/data-model.md. The org's invoice list is P66 above.

  /**
   * The org's billing singletons (settings, unpaid summary), payment methods and payments. Sort order:
   * `PM#…` < `PMT#…` < `SETTINGS` < `SUMMARY`, so the payments and then the settings are one contiguous range
   * (P75 reads the report switch and a page of payments in one Query, newest first: the settings come first).
   * A new item kind in this partition must not sort between `PMT#` and `SETTINGS`.
   */
  billingPartition: (orgId: string) => k('ORG', orgId, 'BILLING'),
  billingSettings: (orgId: string) => ({ pk: k('ORG', orgId, 'BILLING'), sk: 'SETTINGS' }),
  /** The org's unpaid invoices (one attribute each), read by getMe for pending payments. */
  billingSummary: (orgId: string) => ({ pk: k('ORG', orgId, 'BILLING'), sk: 'SUMMARY' }),
  paymentMethod: (orgId: string, paymentMethodId: string) => ({ pk: k('ORG', orgId, 'BILLING'), sk: k('PM', paymentMethodId) }),
  paymentMethodSkPrefix: 'PM#',
  /** A payment (BI-3). `PMT#` ('PM#' < 'PMT#' < 'SETTINGS'): after every payment method, before the settings. */
  billingTransaction: (orgId: string, createdAt: string, transactionId: string) => ({ pk: k('ORG', orgId, 'BILLING'), sk: k('PMT', createdAt, transactionId) }),
  billingTransactionSkPrefix: 'PMT#',
  /** Sort-key bounds of P75: every payment, and the settings item at the top (no payment method, no summary). */
  billingTransactionsWithSettingsRange: ['PMT#', 'SETTINGS'] as const,
  /**
   * The billing report switch (BI-1) mirrored into the org's invoice list partition (P66/P72), written in the
   * same transaction as the settings item. `SETTINGS` sorts after every `INVOICE#…` entry, so P72 reads the
   * switch and a page of invoices in one Query, and the AC-8 invoice report (P66) reads it above its range.
   */
  invoiceListSwitch: (orgId: string) => ({ pk: k('ORG', orgId, 'INVOICES'), sk: 'SETTINGS' }),
  /** Sort-key bounds of P72: every invoice list entry, and the switch at the top. */
  invoiceListWithSwitchRange: ['INVOICE#', 'SETTINGS'] as const,
  /** An invoice's partition: its header, then its lines by ticket number. */
  invoice: (invoiceId: string) => ({ pk: k('INVOICE', invoiceId), sk: 'INVOICE' }),
  invoicePartition: (invoiceId: string) => k('INVOICE', invoiceId),
  invoiceLine: (invoiceId: string, ticketNumber: number, ticketId: string) => ({ pk: k('INVOICE', invoiceId), sk: k('LINE', String(ticketNumber).padStart(12, '0'), ticketId) }),
  invoiceLineSkPrefix: 'LINE#',
  /** gsi2 (sparse, while draft): the drafts a batch run left, to issue at its end or when it resumes. */
  invoiceDraft: (runKey: string, createdAt: string, invoiceId: string) => ({ gsi2pk: k('INVOICES', 'DRAFT', runKey), gsi2sk: k(createdAt, invoiceId) }),
  invoiceDraftPartition: (runKey: string) => k('INVOICES', 'DRAFT', runKey),
  /** The seller's invoice number sequence (gapless: taken in the transaction that issues). */
  invoiceCounter: (sellerId: string) => ({ pk: k('SELLER', sellerId), sk: 'INVOICE_COUNTER' }),
  /** A batch run's checkpoint (resume point and counters). */
  batchCheckpoint: (runKey: string) => ({ pk: k('BATCH', runKey), sk: 'CHECKPOINT' }),
} as const;
