import type { Locale } from '../shared/vocabulary.ts';
import { TICKET_STATUSES, type TicketStatus } from '../email/templates/model.ts';

/** SD-2 statuses as stored (the email templates own their labels per locale). */
export { TICKET_STATUSES, type TicketStatus };

/** SD-3: who sees an org's tickets besides their requester, site admins and staff. */
export const VISIBILITIES = ['own', 'org'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const ATTACHMENT_PURPOSES = ['training_certificate', 'other'] as const;
export type AttachmentPurpose = (typeof ATTACHMENT_PURPOSES)[number];

/** Upload formats (SD-1 certificates, SD-4 photos of a damaged device): PDF, JPEG or PNG. */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export interface DeliveryAddress {
  /** The person receiving the device: the requester or the end user (SD-1). */
  recipient: string;
  company?: string | undefined;
  line1: string;
  line2?: string | undefined;
  /** Absent in countries without postal codes. */
  postalCode?: string | undefined;
  city: string;
  region?: string | undefined;
  country: string;
}

/** The requester as the ticket's emails need them; captured when the request is made. */
export interface Requester {
  userId: string;
  email: string;
  name: string;
  locale: Locale;
}

export type ActorRole = 'requester' | 'staff' | 'system';

/** One status change (or the creation) in a ticket's history. */
export interface HistoryEntry {
  at: string;
  from?: TicketStatus | undefined;
  to: TicketStatus;
  by: { role: ActorRole; userId?: string | undefined; name: string };
  note?: string | undefined;
}

export interface Attachment {
  attachmentId: string;
  fileName: string;
  contentType: AttachmentType;
  /** Declared size in bytes; the stored object is checked against the limits before it is relied on. */
  size: number;
  purpose: AttachmentPurpose;
  uploadedAt: string;
  uploadedBy: { userId: string; role: 'requester' | 'staff' };
}

export interface Ticket {
  ticketId: string;
  orgId: string;
  orgName: string;
  /** The n of GEM-<n>: unique and sequential across the desk (gaps possible, duplicates never). */
  number: number;
  reference: string;
  status: TicketStatus;
  /** Optimistic lock: every status change increments it. */
  version: number;
  requester: Requester;
  deliveryAddress: DeliveryAddress;
  internalReference?: string | undefined;
  phone: string;
  apprentice: boolean;
  comment?: string | undefined;
  deviceModel?: string | undefined;
  shipDate?: string | undefined;
  serialNumbers?: string[] | undefined;
  attachments: Attachment[];
  history: HistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** What lists show of a ticket (the org's desk entries hold exactly this). */
export interface TicketSummary {
  ticketId: string;
  orgId: string;
  orgName: string;
  reference: string;
  status: TicketStatus;
  requester: { userId: string; name: string };
  internalReference?: string | undefined;
  apprentice: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TicketComment {
  commentId: string;
  ticketId: string;
  orgId: string;
  authorRole: 'requester' | 'staff';
  author: { userId: string; name: string };
  body: string;
  attachmentIds: string[];
  createdAt: string;
}

export interface DeskSettings {
  orgId: string;
  visibility: Visibility;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
}

export interface DeskPreferences {
  userId: string;
  /** Per-user opt-out of ticket emails (status changes and staff replies). */
  ticketEmails: boolean;
  updatedAt?: string | undefined;
}

/** The desk-wide intake gauge: tickets in Review against the capacity, and the queue behind it. */
export interface IntakeState {
  capacity: number;
  open: number;
  queued: number;
  /** The last GEM number handed out. */
  lastNumber: number;
}

/** A queued ticket, in FIFO order by its GEM number, with what its promotion needs (no extra read). */
export interface QueueEntry {
  number: number;
  orgId: string;
  ticketId: string;
  reference: string;
  createdAt: string;
  requester: Requester;
}

export interface Feedback {
  feedbackId: string;
  orgId: string;
  orgName: string;
  author: { userId: string; name: string; email: string };
  rating: number;
  text: string;
  createdAt: string;
}

/** A page of a list plus the store's position after it (the use case turns it into a signed cursor). */
export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown> | undefined;
}
