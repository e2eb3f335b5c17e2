import type { Clock } from '#shared/lib/ids.ts';
import type { TicketSummary } from '../desk/model.ts';
import type { EmailRequest } from '../email/ports.ts';
import type { Membership, Org, Tier, UserProfile } from '../identity/model.ts';
import type { IdempotencyContext, StoredResponse } from '../shared/idempotency.ts';
import type { OrgRole } from '../shared/vocabulary.ts';
import type {
  AccountContact,
  AccountDocument,
  AddressEntry,
  Asset,
  CheckoutProfile,
  ContractRequest,
  DeviceGroup,
  Invitation,
  OrgDetails,
  Page,
  SoftwareSubscription,
} from './model.ts';

/**
 * Ports of the account page. Each store method is one DynamoDB round trip unless it says otherwise; the
 * adapters export them one by one (shared/adapters/dynamodb/repositories/account*.ts), so a handler bundles
 * only the ones its use case picks.
 */

export type Idempotent = Promise<{ replayed: boolean; response: StoredResponse }>;

/**
 * A conditional write was refused: `reason` says which of its conditions failed (decided by the store from
 * the cancellation reasons or the old item), and the use case decides what that means for the caller.
 */
export class RefusedWriteError extends Error {
  override name = 'RefusedWriteError';
  constructor(
    readonly reason:
      | 'missing'
      | 'org_missing'
      | 'address_missing'
      | 'payment_method_missing'
      | 'address_in_use'
      | 'already_member'
      | 'invitation_gone'
      | 'site_admin'
      | 'keeper_gone'
      | 'entity_exists'
      | 'asset_missing'
      | 'file_mismatch',
    /** For `asset_missing`: the index of the first missing asset in the request. */
    readonly index?: number,
    /** For `site_admin`: the member as stored (the refused write read it back). */
    readonly current?: Membership,
  ) {
    super(`write refused: ${reason}${index !== undefined ? ` (${index})` : ''}`);
  }
}

/** What a profile update may change (AC-3); `phone: null` removes it. */
export interface ProfileChanges {
  name?: string | undefined;
  phone?: string | null | undefined;
  locale?: UserProfile['locale'] | undefined;
  jobTitle?: string | undefined;
  siteAddress?: NonNullable<UserProfile['registration']>['siteAddress'] | undefined;
}

/** AC-1 header and AC-3 company details. */
export interface AccountStore {
  /** The org's profile and its company details, in one BatchGetItem. */
  orgOverview(orgId: string): Promise<{ org?: Org | undefined; details?: OrgDetails | undefined }>;
  putOrgDetails(details: OrgDetails): Promise<void>;
  /**
   * Updates the profile (and the name/locale copies on the email claim, and a new name's copies on the
   * account's `memberships`, the principal's) in one transaction; refused with `missing` when registration
   * fields are changed on a profile without registration. Returns the profile.
   */
  updateProfile(profile: UserProfile, changes: ProfileChanges, now: Date, memberships: readonly Pick<Membership, 'orgId'>[]): Promise<UserProfile>;
}

/** AC-2 members and invitations. */
export interface DirectoryStore {
  /**
   * One page of the org's user list (gsi1 `ORG#<orgId>`), one Query: memberships (with their members' name and
   * email copies) and pending invitations, and on the first page (no `after`) the org itself (SSO status).
   */
  listOrgDirectory(
    orgId: string,
    limit: number,
    after?: Record<string, unknown>,
  ): Promise<{ members: Membership[]; invitations: Invitation[]; org?: Org | undefined; lastKey?: Record<string, unknown> | undefined }>;
  /** Writes (or replaces) the org's invitation for the address, its email and the idempotency record in one transaction. */
  putInvitation(invitation: Invitation, email: EmailRequest<'org_invite'>, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
  /** Refused with `missing`. */
  deleteInvitation(orgId: string, email: string): Promise<void>;
  /** Every invitation to the address (any org, expired ones included). */
  invitationsFor(email: string): Promise<Invitation[]>;
  getInvitation(email: string, orgId: string): Promise<Invitation | undefined>;
  /**
   * Consumes the invitation (conditional on it being the one read and unexpired), adds the membership (with
   * its member copies, current as of the commit), updates the profile (tier, primary org) and sends the
   * confirmation, in one transaction. Refused with `invitation_gone` or `already_member`.
   */
  acceptInvitation(input: { invitation: Invitation; membership: Membership; tier?: Tier | undefined; primaryOrgId?: string | undefined; email: EmailRequest<'org_joined'>; now: Date }): Promise<void>;
  /**
   * Sets a member's role, unless (with `guard`) the member is a site admin: refused with `site_admin` then
   * (carrying the member as stored; the caller must prove another admin remains), `missing` when there is
   * no such member.
   */
  setRole(orgId: string, userId: string, role: OrgRole, guard: boolean): Promise<Membership>;
  /** Removes a membership, with the same guard and refusals as setRole. */
  removeMember(orgId: string, userId: string, guard: boolean): Promise<void>;
  /** The org's site admins, as the user list index has them (eventually consistent). */
  siteAdmins(orgId: string): Promise<string[]>;
  /**
   * Demotes (role) or removes (role undefined) a site admin in one transaction with a check that `keeperId`
   * is still a site admin: two admins demoting each other concurrently cannot both succeed. Refused with
   * `keeper_gone` or `missing`.
   */
  changeAdminKeeping(orgId: string, userId: string, role: OrgRole | undefined, keeperId: string): Promise<void>;
}

/** AC-3 address book and express checkout. */
export interface BookStore {
  listAddresses(orgId: string, limit: number, after?: Record<string, unknown>): Promise<Page<AddressEntry>>;
  createAddress(entry: AddressEntry, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
  /** Replaces label, address and phone; refused with `missing`. */
  updateAddress(entry: Omit<AddressEntry, 'usedBy' | 'createdAt' | 'createdBy'>): Promise<AddressEntry>;
  /** Refused with `missing` or `address_in_use`. */
  deleteAddress(orgId: string, addressId: string): Promise<void>;
  listCheckoutProfiles(orgId: string, userId: string, limit: number, after?: Record<string, unknown>): Promise<Page<CheckoutProfile>>;
  /** The profile and its reference on the address in one transaction; refused with `address_missing`. */
  createCheckoutProfile(profile: CheckoutProfile, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
  getCheckoutProfile(orgId: string, userId: string, profileId: string): Promise<CheckoutProfile | undefined>;
  /** The profile and its reference on the address in one transaction; refused with `missing`. */
  deleteCheckoutProfile(profile: CheckoutProfile): Promise<void>;
}

/** AC-5 devices and groups, AC-6 contracts. */
export interface DeviceStore {
  listAssets(orgId: string, limit: number, after?: Record<string, unknown>): Promise<Page<Asset>>;
  /**
   * A page of a group's view in one Query from the group item on (`GROUP#<id>` sorts just before the
   * assets): the first page (no `after`) brings the group with the first assets (`group` undefined: no such
   * group in this org); later pages continue after `after` and carry assets only.
   */
  groupPage(orgId: string, groupId: string, limit: number, after?: Record<string, unknown>): Promise<Page<Asset> & { group?: DeviceGroup | undefined }>;
  getDeviceGroup(orgId: string, groupId: string): Promise<DeviceGroup | undefined>;
  listDeviceGroups(orgId: string, limit: number, after?: Record<string, unknown>): Promise<Page<DeviceGroup>>;
  createDeviceGroup(group: DeviceGroup, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
  /** Replaces name and criteria; refused with `missing`. */
  updateDeviceGroup(group: Omit<DeviceGroup, 'createdAt' | 'createdBy'>): Promise<DeviceGroup>;
  /** Refused with `missing`. */
  deleteDeviceGroup(orgId: string, groupId: string): Promise<void>;
  /** Staff import: every asset and a check that the org exists, in one transaction; refused with `org_missing`. */
  importAssets(orgId: string, assets: Asset[]): Promise<void>;
  /** Assets of a shipped ticket, each written unless a staff import already describes it; returns how many were written. */
  putShippedAssets(assets: Asset[]): Promise<number>;
  /**
   * The request, a check that each asset exists in the org and the idempotency record, in one transaction;
   * refused with `asset_missing` (and its index).
   */
  createContractRequest(request: ContractRequest, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
}

/** AC-7 contacts and documents, AC-8 software. */
export interface SupportStore {
  getContacts(orgId: string): Promise<AccountContact[]>;
  /** Refused with `org_missing`. */
  putContacts(orgId: string, contacts: AccountContact[], by: string, now: Date): Promise<void>;
  listDocuments(orgId: string, limit: number, after?: Record<string, unknown>): Promise<Page<AccountDocument>>;
  getDocument(orgId: string, documentId: string): Promise<AccountDocument | undefined>;
  /** The pending document (with a check that the org exists) and the idempotency record; refused with `org_missing`. */
  createDocument(doc: AccountDocument, idempotency: IdempotencyContext, response: StoredResponse, now: Date): Idempotent;
  /**
   * Marks it published if the stored file is as declared (or it is published already), in one conditional
   * write; refused with `missing` or `file_mismatch`.
   */
  publishDocument(orgId: string, documentId: string, stored: { contentType: string | undefined; size: number }, now: Date): Promise<AccountDocument>;
  /** The org (for its country) and its subscriptions, in one BatchGetItem. */
  softwareOverview(orgId: string): Promise<{ org?: Org | undefined; subscriptions: SoftwareSubscription[] }>;
  /** Refused with `org_missing`. */
  putSoftware(orgId: string, subscriptions: SoftwareSubscription[], by: string, now: Date): Promise<void>;
  /** The org's service requests created in [from, to], newest first, at most `limit` (and whether more exist). */
  listContractRequests(orgId: string, from: string, to: string, limit: number): Promise<{ items: ContractRequest[]; more: boolean }>;
}

/** Object storage of the org's documents (S3): presigned transfers and a look at what was stored. */
export interface DocumentFiles {
  presignUpload(orgId: string, documentId: string, contentType: string, size: number, expiresInSeconds: number): Promise<{ url: string; headers: Record<string, string> }>;
  presignDownload(orgId: string, documentId: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
  /** The stored object's type and size, or undefined when nothing was uploaded. */
  inspect(orgId: string, documentId: string): Promise<{ contentType: string | undefined; size: number } | undefined>;
}

// ---------------------------------------------------------------------------------------------------------
// AC-8 report sources: each yields pages in creation order, newest first, so a report is built page by page

export interface ReportRange {
  /** Inclusive ISO bounds. */
  from: string;
  to: string;
}

/** The org's device requests (orders) created in the range: the desk's list entries. */
export interface OrderReportSource {
  orderPages(orgId: string, range: ReportRange): AsyncIterable<TicketSummary[]>;
}

/** The org's service requests created in the range. */
export interface ContractRequestReportSource {
  contractRequestPages(orgId: string, range: ReportRange): AsyncIterable<ContractRequest[]>;
}

/** An invoice as the report lists it. Amounts in minor units of `currency` (cents). */
export interface InvoiceReportRow {
  invoiceId: string;
  invoiceNumber: string;
  issuedAt: string;
  dueDate?: string | undefined;
  status: string;
  currency: string;
  totalMinor: number;
  ticketReferences?: string[] | undefined;
}

/**
 * A page of the invoice report's source. The first page also says whether the org's billing report (BI-1) is
 * on: `report` as stored beside the invoices, undefined when never written (= enabled).
 */
export interface InvoiceReportPage {
  rows: InvoiceReportRow[];
  report?: { reportEnabled: boolean } | undefined;
}

/**
 * Integration point with billing (BI-1): the org's invoices issued in the range, newest first, after the
 * billing report switch. The adapter reads P66 (`ORG#<orgId>#INVOICES`, `INVOICE#<issuedAt>#<id>`) with the
 * switch's mirror (P72) in the same Query.
 */
export interface InvoiceReportSource {
  invoicePages(orgId: string, range: ReportRange): AsyncIterable<InvoiceReportPage>;
}

export type { Clock };
