import type { OrgKind, PostalAddress } from '../identity/model.ts';
import type { Locale, OrgRole } from '../shared/vocabulary.ts';

/**
 * The business account page (AC-1..AC-8): what an org's members see and manage about their account besides
 * tickets. Closed vocabularies are plain constants here; the zod contracts are built from them.
 */

// ---------------------------------------------------------------------------------------------------------
// Who may do what (the route table turns these into `auth.roles`, enforced by the HTTP layer)

/** AC-2: user management. */
export const USER_ADMIN_ROLES = ['site_admin'] as const satisfies readonly OrgRole[];
/** Roles that place orders (the desk's createDeviceRequest roles): address book, express checkout, re-order. */
export const ORDERING_ROLES = ['site_admin', 'buyer', 'shopper'] as const satisfies readonly OrgRole[];
/** AC-5: custom device groups are the org's shared views; site admins and buyers curate them. */
export const DEVICE_GROUP_ROLES = ['site_admin', 'buyer'] as const satisfies readonly OrgRole[];
/** AC-6: service contracts are not available to the shopper role (seed 000, item 6). */
export const CONTRACT_VIEW_ROLES = ['site_admin', 'buyer', 'finance', 'report_viewer'] as const satisfies readonly OrgRole[];
/** Renewing or upgrading is a purchase: viewers may not. */
export const CONTRACT_PURCHASE_ROLES = ['site_admin', 'buyer', 'finance'] as const satisfies readonly OrgRole[];
/** AC-8: "users with report access". */
export const REPORT_ROLES = ['site_admin', 'finance', 'report_viewer'] as const satisfies readonly OrgRole[];

// ---------------------------------------------------------------------------------------------------------
// AC-1 header, AC-3 company details

/** The org's company details that its site admins maintain (the org's name and domains are vendor-managed). */
export interface OrgDetails {
  orgId: string;
  address?: PostalAddress | undefined;
  phone?: string | undefined;
  updatedAt: string;
  updatedBy: string;
}

// ---------------------------------------------------------------------------------------------------------
// AC-2 users

/** Invitations stay valid this long; accepting one consumes it. */
export const INVITATION_TTL_DAYS = 7;

export interface Invitation {
  orgId: string;
  orgName: string;
  orgKind: OrgKind;
  /** Normalised (lower case): the invitee must sign in with exactly this verified address. */
  email: string;
  role: OrgRole;
  locale: Locale;
  invitedBy: { userId: string; name: string };
  createdAt: string;
  expiresAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// AC-3 address book and express checkout

export interface BookAddress {
  recipient: string;
  company?: string | undefined;
  line1: string;
  line2?: string | undefined;
  postalCode?: string | undefined;
  city: string;
  region?: string | undefined;
  country: string;
}

export interface AddressEntry {
  orgId: string;
  addressId: string;
  label: string;
  address: BookAddress;
  phone?: string | undefined;
  /** Express checkout profiles using the address (it cannot be deleted while any does). */
  usedBy?: string[] | undefined;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * An express checkout profile: an address of the org's book plus a payment method token reference. The
 * token is the billing side's (BI-3: cards are stored at the provider; we keep its token reference, which
 * billing resolves to brand/last4/expiry), validated here by format only.
 */
export interface CheckoutProfile {
  orgId: string;
  userId: string;
  profileId: string;
  label: string;
  addressId: string;
  paymentMethodToken: string;
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// AC-5 devices, AC-6 service contracts

export const DEVICE_ID_KINDS = ['service_tag', 'serial_number'] as const;
export type DeviceIdKind = (typeof DEVICE_ID_KINDS)[number];

/** Support plans, lowest first (an upgrade moves to a later one). */
export const WARRANTY_PLANS = ['basic', 'pro_support', 'pro_support_plus'] as const;
export type WarrantyPlan = (typeof WARRANTY_PLANS)[number];

export const WARRANTY_STATUSES = ['active', 'expiring_soon', 'expired'] as const;
export type WarrantyStatus = (typeof WARRANTY_STATUSES)[number];

/** Where an asset record comes from: a shipped device request (projected from the desk) or a staff import. */
export type AssetSource =
  | { kind: 'shipment'; ticketId: string; reference: string }
  | { kind: 'import'; importedBy: string };

/** One of the org's products (AC-5), keyed by its service tag or serial number (upper case). */
export interface Asset {
  orgId: string;
  serial: string;
  idKind: DeviceIdKind;
  model: string;
  family: string;
  /** The site it is installed at, e.g. "Lyon, FR" for a shipped device (the delivery city and country). */
  site?: string | undefined;
  shipDate?: string | undefined;
  warranty: { plan: WarrantyPlan; startDate?: string | undefined; endDate: string };
  source: AssetSource;
  updatedAt: string;
}

export interface GroupCriteria {
  /** Individual products by service tag or serial number. */
  serials: string[];
  families: string[];
  sites: string[];
}

/** A custom view of the org's devices (AC-5): individual products, product families, sites, or combinations. */
export interface DeviceGroup {
  orgId: string;
  groupId: string;
  name: string;
  criteria: GroupCriteria;
  createdBy: { userId: string; name: string };
  createdAt: string;
  updatedAt: string;
}

export const CONTRACT_REQUEST_KINDS = ['renew', 'upgrade'] as const;
export type ContractRequestKind = (typeof CONTRACT_REQUEST_KINDS)[number];
/** Support durations offered, in months. */
export const CONTRACT_DURATIONS = [12, 24, 36, 48, 60] as const;
export type ContractDuration = (typeof CONTRACT_DURATIONS)[number];

/** A service request to renew or upgrade the support of some of the org's assets (AC-6); staff act on it. */
export interface ContractRequest {
  orgId: string;
  requestId: string;
  /** Shown to people and quoted to support: `SR-` and 10 characters derived from the request id. */
  reference: string;
  kind: ContractRequestKind;
  plan: WarrantyPlan;
  durationMonths: ContractDuration;
  serials: string[];
  requester: { userId: string; name: string; email: string };
  status: 'submitted';
  createdAt: string;
}

// ---------------------------------------------------------------------------------------------------------
// AC-7 support, AC-8 software

export interface AccountContact {
  name: string;
  /** Their role on the account team, e.g. "Account manager", "Technical account manager". */
  title: string;
  email: string;
  phone?: string | undefined;
  /** Americas, EMEA, APJ... free text. */
  region?: string | undefined;
}

export const DOCUMENT_TYPES = ['application/pdf', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export const MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;

/** A document the account team publishes for the org (AC-7): `pending` until its upload is checked. */
export interface AccountDocument {
  orgId: string;
  documentId: string;
  title: string;
  description?: string | undefined;
  fileName: string;
  contentType: DocumentType;
  size: number;
  status: 'pending' | 'published';
  createdAt: string;
  createdBy: string;
  publishedAt?: string | undefined;
}

export interface SoftwareSubscription {
  subscriptionId: string;
  product: string;
  quantity: number;
  startDate: string;
  endDate: string;
  autoRenew: boolean;
}

/** AC-8 software and subscriptions are a US offer (seed 000, item 7). */
export const SOFTWARE_REGIONS: readonly string[] = ['US'];

/** A page of a list plus the store's position after it (the use case turns it into a signed cursor). */
export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown> | undefined;
}
