import { Entity } from 'dynamodb-toolbox/entity';
import { boolean } from 'dynamodb-toolbox/schema/boolean';
import { item } from 'dynamodb-toolbox/schema/item';
import { list } from 'dynamodb-toolbox/schema/list';
import { map } from 'dynamodb-toolbox/schema/map';
import { number } from 'dynamodb-toolbox/schema/number';
import { string } from 'dynamodb-toolbox/schema/string';
import { LOCALES } from '#shared/domain/shared/vocabulary.ts';
import { ATTACHMENT_PURPOSES, ATTACHMENT_TYPES, TICKET_STATUSES, VISIBILITIES } from '#shared/domain/desk/model.ts';
import { keys } from '../keys.ts';
import { PortalTable } from '../table.ts';

const requester = () => map({ userId: string(), email: string(), name: string(), locale: string().enum(...LOCALES) });

/**
 * ORG#<orgId>#TICKET#<ticketId> / TICKET: the ticket with its history and attachment metadata (both
 * bounded lists). gsi1 TICKET#<ticketId> / TICKET (staff lookup without the org), gsi2 TICKETS#<status> /
 * <createdAt>#<ticketId> (staff queue). `attachmentIds` mirrors the attachments for `contains` guards.
 */
export const TicketEntity = new Entity({
  name: 'Ticket',
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    ticketId: string().key(),
    orgName: string(),
    number: number(),
    reference: string(),
    status: string().enum(...TICKET_STATUSES),
    version: number(),
    requester: requester(),
    deliveryAddress: map({
      recipient: string(),
      company: string().optional(),
      line1: string(),
      line2: string().optional(),
      postalCode: string().optional(),
      city: string(),
      region: string().optional(),
      country: string(),
    }),
    internalReference: string().optional(),
    phone: string(),
    apprentice: boolean(),
    comment: string().optional(),
    deviceModel: string().optional(),
    shipDate: string().optional(),
    serialNumbers: list(string()).optional(),
    attachments: list(
      map({
        attachmentId: string(),
        fileName: string(),
        contentType: string().enum(...ATTACHMENT_TYPES),
        size: number(),
        purpose: string().enum(...ATTACHMENT_PURPOSES),
        uploadedAt: string(),
        uploadedBy: map({ userId: string(), role: string().enum('requester', 'staff') }),
      }),
    ),
    attachmentIds: list(string()),
    history: list(
      map({
        at: string(),
        from: string().enum(...TICKET_STATUSES).optional(),
        to: string().enum(...TICKET_STATUSES),
        by: map({ role: string().enum('requester', 'staff', 'system'), userId: string().optional(), name: string() }),
        note: string().optional(),
      }),
    ),
    createdAt: string(),
    updatedAt: string(),
    gsi1pk: string(),
    gsi1sk: string(),
    gsi2pk: string(),
    gsi2sk: string(),
  }),
  computeKey: ({ orgId, ticketId }) => keys.ticket(orgId, ticketId),
});

/** ORG#<orgId>#TICKET#<ticketId> / TICKET#C#<createdAt>#<commentId>, mirrored to gsi1 under TICKET#<ticketId>. */
export const TicketCommentEntity = new Entity({
  name: 'TicketComment',
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    ticketId: string().key(),
    createdAt: string().key(),
    commentId: string().key(),
    authorRole: string().enum('requester', 'staff'),
    author: map({ userId: string(), name: string() }),
    body: string(),
    attachmentIds: list(string()),
    gsi1pk: string(),
    gsi1sk: string(),
  }),
  computeKey: ({ orgId, ticketId, createdAt, commentId }) => keys.ticketComment(orgId, ticketId, createdAt, commentId),
});

/**
 * ORG#<orgId>#DESK / REQ#<createdAt>#<ticketId>: the org's list entry of a ticket (what lists show),
 * mirrored to gsi1 under ORG#<orgId>#USER#<requesterId>#TICKETS ("My requests").
 */
export const DeskEntryEntity = new Entity({
  name: 'DeskEntry',
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    createdAt: string().key(),
    ticketId: string().key(),
    orgName: string(),
    reference: string(),
    status: string().enum(...TICKET_STATUSES),
    requesterId: string(),
    requesterName: string(),
    internalReference: string().optional(),
    apprentice: boolean(),
    updatedAt: string(),
    gsi1pk: string(),
    gsi1sk: string(),
  }),
  computeKey: ({ orgId, createdAt, ticketId }) => keys.deskEntry(orgId, createdAt, ticketId),
});

/** ORG#<orgId>#DESK / SETTINGS: who sees the org's tickets (absent: own tickets only). */
export const DeskSettingsEntity = new Entity({
  name: 'DeskSettings',
  table: PortalTable,
  timestamps: false,
  schema: item({
    orgId: string().key(),
    visibility: string().enum(...VISIBILITIES),
    updatedAt: string().optional(),
    updatedBy: string().optional(),
  }),
  computeKey: ({ orgId }) => keys.deskSettings(orgId),
});

/** DESK#INTAKE / COUNTER: GEM counter (`seq`), tickets in Review (`open`), `queued`, `capacity`. */
export const DeskIntakeEntity = new Entity({
  name: 'DeskIntake',
  table: PortalTable,
  timestamps: false,
  schema: item({
    desk: string().key().const('main'),
    seq: number().optional(),
    open: number().optional(),
    queued: number().optional(),
    capacity: number().optional(),
  }),
  computeKey: () => keys.deskIntake(),
});

/** DESK#INTAKE / QUEUE#<12-digit GEM number>: a queued ticket, FIFO by number, with what its promotion needs. */
export const DeskQueueEntryEntity = new Entity({
  name: 'DeskQueueEntry',
  table: PortalTable,
  timestamps: false,
  schema: item({
    number: number().key(),
    orgId: string(),
    ticketId: string(),
    reference: string(),
    createdAt: string(),
    requester: requester(),
  }),
  computeKey: ({ number }) => keys.deskQueueEntry(number),
});

/** USER#<userId>#DESK / PREFERENCES: the per-user ticket email opt-out (absent: emails on). */
export const DeskPreferencesEntity = new Entity({
  name: 'DeskPreferences',
  table: PortalTable,
  timestamps: false,
  schema: item({
    userId: string().key(),
    ticketEmails: boolean(),
    updatedAt: string().optional(),
  }),
  computeKey: ({ userId }) => keys.deskPreferences(userId),
});

/** DESK#FEEDBACK / <createdAt>#<feedbackId>: SD-6 feedback, newest last. */
export const DeskFeedbackEntity = new Entity({
  name: 'DeskFeedback',
  table: PortalTable,
  timestamps: false,
  schema: item({
    createdAt: string().key(),
    feedbackId: string().key(),
    orgId: string(),
    orgName: string(),
    author: map({ userId: string(), name: string(), email: string() }),
    rating: number(),
    text: string(),
  }),
  computeKey: ({ createdAt, feedbackId }) => keys.feedback(createdAt, feedbackId),
});
