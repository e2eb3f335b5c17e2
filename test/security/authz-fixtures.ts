import { MISSING_ORG, type RoleName, type World, addressBody, missingId, ticketBody } from './authz-world.ts';
import { uniqueEmail } from '#test/support/identity.ts';

/**
 * THE FIXTURE TABLE OF THE AUTHORIZATION MATRIX: one entry per operationId of the route table.
 * test/security/authz-matrix.test.ts fails while a route has no entry here (or an entry names no route).
 *
 * Adding a route = adding one entry, keyed by its operationId:
 * - `body` / `query` / `params`: a valid request (the role axis sends it as every role; roles the route's
 *   `auth` lets in must get one of `allowed`, default the route's success statuses; everyone else the 401/403
 *   the declaration promises).
 * - Routes with an object in the path (`/things/{thingId}`) also need `object`: path params naming an object
 *   of org A (`own`, answered with one of `ownStatus`), the same kind of object of org B (`foreign`) and an
 *   id that exists nowhere (`missing`). The role axis uses `missing` (so allowed roles get 404 unless
 *   `allowed` says otherwise). Foreign must answer exactly like missing, with 0 writes. Objects come from
 *   the world (authz-world.ts buildOrg): add the kind there if it is new.
 * - Staff routes act across orgs by design: give `crossOrg` (why) instead of `foreign`.
 * - Path params that are not objects (an enum): `params` plus `notAnObject` (why).
 * - A route whose allowed call would disturb the rest of the run (cancel the org, change desk-wide
 *   settings) sends a request that fails validation instead, with `allowed: [400]` and a comment.
 */

type Params = (w: World) => Record<string, string>;

export interface ObjectCase {
  own: Params;
  foreign?: Params;
  /** Instead of `foreign`: why the route reaches every org's objects (staff routes). */
  crossOrg?: string;
  missing: Params;
  ownStatus: readonly number[];
  /** The caller of the object axis when not the first role of org A the route lets in (authz-world.ts actorRole). */
  as?: RoleName | 'invitee';
}

export interface RouteFixture {
  params?: Params;
  notAnObject?: string;
  query?: Record<string, string>;
  body?: (w: World) => unknown;
  /** Statuses an allowed role may get in the role axis (default: the route's success statuses; 404 with `object`). */
  allowed?: readonly number[];
  object?: ObjectCase;
}

const ticket = (o: World['own']) => ({ ticketId: o.ticketId });
const org = (o: World['own']) => ({ orgId: o.org.orgId });
const missingTicket = () => ({ ticketId: missingId('tkt') });
const missingOrg = () => ({ orgId: MISSING_ORG });
const invoice = (o: World['own']) => ({ invoiceId: o.invoiceId });
const missingInvoice = () => ({ invoiceId: missingId('inv') });
const STAFF = 'vendor staff serve every org: the route takes the org (or an object of any org) from the path';
const contacts = { contacts: [{ name: 'Ann Account', title: 'Account manager', email: 'ann@vendor.example' }] };
const subscriptions = { subscriptions: [{ subscriptionId: 'sub-1', product: 'Endpoint Suite', quantity: 10, startDate: '2026-01-01', endDate: '2026-12-31', autoRenew: true }] };
const devices = { devices: [{ serial: 'MTX-0001', idKind: 'service_tag', model: 'Latitude 5450', warranty: { plan: 'basic', endDate: '2027-01-01' } }] };
const orgAddress = { line1: '1 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' };
const registration = { relationship: 'customer_employee', company: 'Acme', jobTitle: 'IT lead', phone: '+33612345678', country: 'FR', siteAddress: orgAddress };

export const fixtures: Record<string, RouteFixture> = {
  // system, identity, onboarding
  getHealth: {},
  getMe: {},
  requestEmailChange: { body: () => ({ newEmail: uniqueEmail() }) },
  // No change is pending for these callers: the code is refused after authorization.
  confirmEmailChange: { body: () => ({ code: '123456' }), allowed: [400, 404, 409] },
  signUp: { body: () => ({ email: uniqueEmail(), password: 'a long enough passphrase 42', name: 'Matrix', locale: 'en' }) },
  resendSignupCode: { body: () => ({ email: uniqueEmail() }) },
  verifySignupCode: { body: () => ({ email: uniqueEmail(), code: '123456' }), allowed: [400] },
  requestPasswordReset: { body: () => ({ email: uniqueEmail() }) },
  // Members are registered already (409); the others record their details.
  submitRegistration: { body: () => registration, allowed: [200, 409] },
  chooseOrganization: { body: (w) => ({ orgId: w.own.org.orgId }), allowed: [403, 404, 409, 422] },
  getOnboardingStatus: {},

  // reviews
  submitOrganizationForReview: {
    body: () => ({ name: 'Matrix Co SAS', address: orgAddress, country: 'FR' }),
    allowed: [201, 403, 409, 422],
  },
  requestAccountUpgrade: {
    body: () => ({
      phone: '+33612345678',
      preferredContact: 'phone',
      targetUrl: 'https://support.vendor.example/contracts',
      intent: 'Manage our service contracts',
      serviceTag: 'abc1234',
      companyName: 'Upgraded Co',
      equipmentSiteAddress: orgAddress,
    }),
    allowed: [201, 409, 422],
  },
  listReviews: {},
  decideReview: {
    body: () => ({ decision: 'reject', reason: 'Not a customer.' }),
    // Reviews exist only through the workflow (decided for real in reviews-workflow.test.ts): here, missing only.
    object: { own: () => ({ reviewId: missingId('rev') }), crossOrg: STAFF, missing: () => ({ reviewId: missingId('rev') }), ownStatus: [404] },
  },

  // service desk (members)
  createDeviceRequest: { body: () => ticketBody },
  listTickets: {},
  getTicket: { object: { own: (w) => ticket(w.own), foreign: (w) => ticket(w.foreign), missing: missingTicket, ownStatus: [200] } },
  addTicketComment: {
    body: () => ({ body: 'Any news?' }),
    // Only the requester (a buyer) writes on a ticket; site admins read it.
    object: { as: 'member', own: (w) => ticket(w.own), foreign: (w) => ticket(w.foreign), missing: missingTicket, ownStatus: [201] },
  },
  listTicketComments: { object: { own: (w) => ticket(w.own), foreign: (w) => ticket(w.foreign), missing: missingTicket, ownStatus: [200] } },
  createAttachmentUpload: {
    body: () => ({ fileName: 'photo.png', contentType: 'image/png', size: 100 }),
    object: { as: 'member', own: (w) => ticket(w.own), foreign: (w) => ticket(w.foreign), missing: missingTicket, ownStatus: [201] },
  },
  getAttachmentDownload: {
    object: {
      own: (w) => ({ ticketId: w.own.ticketId, attachmentId: w.own.attachmentId }),
      foreign: (w) => ({ ticketId: w.foreign.ticketId, attachmentId: w.foreign.attachmentId }),
      missing: () => ({ ticketId: missingId('tkt'), attachmentId: missingId('att') }),
      ownStatus: [200],
    },
  },
  submitFeedback: { body: () => ({ rating: 5, text: 'Quick and friendly.' }) },
  getDeskSettings: {},
  updateDeskSettings: { body: () => ({ visibility: 'own' }) },
  getDeskPreferences: {},
  updateDeskPreferences: { body: () => ({ ticketEmails: true }) },

  // service desk (staff)
  listStaffTickets: {},
  getStaffTicket: { object: { own: (w) => ticket(w.own), crossOrg: STAFF, missing: missingTicket, ownStatus: [200] } },
  transitionTicket: {
    // A stale version: refused after the ticket is found (409), so the ticket stays as the other cells expect.
    body: () => ({ to: 'ready_to_ship', expectedVersion: 999, deviceModel: 'Latitude 5450' }),
    object: { own: (w) => ticket(w.own), crossOrg: STAFF, missing: missingTicket, ownStatus: [409] },
  },
  addStaffTicketComment: {
    body: () => ({ body: 'On its way.' }),
    object: { own: (w) => ticket(w.own), crossOrg: STAFF, missing: missingTicket, ownStatus: [201] },
  },
  listStaffTicketComments: { object: { own: (w) => ticket(w.own), crossOrg: STAFF, missing: missingTicket, ownStatus: [200] } },
  getStaffAttachmentDownload: {
    object: {
      own: (w) => ({ ticketId: w.own.ticketId, attachmentId: w.own.attachmentId }),
      crossOrg: STAFF,
      missing: () => ({ ticketId: missingId('tkt'), attachmentId: missingId('att') }),
      ownStatus: [200],
    },
  },
  listFeedback: {},
  getDeskIntake: {},
  // The intake gauge is desk-wide: an invalid capacity proves the call got past authorization without moving it.
  updateDeskIntake: { body: () => ({ capacity: 0 }), allowed: [400] },

  // account (AC-1..AC-8)
  getAccount: {},
  updateOrgDetails: { body: () => ({ address: orgAddress, phone: '+33472000000' }) },
  getProfile: {},
  updateProfile: { body: () => ({ name: 'Matrix User' }) },
  listOrgUsers: {},
  inviteOrgUser: { body: () => ({ email: uniqueEmail(), role: 'buyer' }) },
  revokeInvitation: {
    object: {
      own: (w) => ({ email: w.own.invitedEmail }),
      foreign: (w) => ({ email: w.foreign.invitedEmail }),
      missing: () => ({ email: 'nobody-invited@acme-test.example' }),
      ownStatus: [204],
    },
  },
  updateOrgUserRole: {
    body: () => ({ role: 'finance' }),
    object: { own: (w) => ({ userId: w.own.roleTarget.userId }), foreign: (w) => ({ userId: w.foreign.roleTarget.userId }), missing: () => ({ userId: 'no-such-user-0000' }), ownStatus: [200] },
  },
  removeOrgUser: {
    object: { own: (w) => ({ userId: w.own.removeTarget.userId }), foreign: (w) => ({ userId: w.foreign.removeTarget.userId }), missing: () => ({ userId: 'no-such-user-0000' }), ownStatus: [204] },
  },
  listMyInvitations: {},
  acceptInvitation: {
    // The actor of the object axis is the invitee (org A invited their address; org B invited someone else).
    object: { as: 'invitee', own: (w) => org(w.own), foreign: (w) => org(w.foreign), missing: missingOrg, ownStatus: [200] },
  },
  listAddresses: {},
  createAddress: { body: () => addressBody('New') },
  updateAddress: {
    body: () => addressBody('Renamed'),
    object: {
      own: (w) => ({ addressId: w.own.addressForUpdate }),
      foreign: (w) => ({ addressId: w.foreign.addressForUpdate }),
      missing: () => ({ addressId: missingId('adr') }),
      ownStatus: [200],
    },
  },
  deleteAddress: {
    object: {
      own: (w) => ({ addressId: w.own.addressForDelete }),
      foreign: (w) => ({ addressId: w.foreign.addressForDelete }),
      missing: () => ({ addressId: missingId('adr') }),
      ownStatus: [204],
    },
  },
  listCheckoutProfiles: {},
  // The address is missing: refused after authorization (404 address_not_found).
  createCheckoutProfile: { body: () => ({ label: 'Express', addressId: missingId('adr'), paymentMethodToken: 'pm_test12345678' }), allowed: [404] },
  deleteCheckoutProfile: {
    object: {
      own: (w) => ({ profileId: w.own.checkoutProfile }),
      foreign: (w) => ({ profileId: w.foreign.checkoutProfile }),
      missing: () => ({ profileId: missingId('xcp') }),
      ownStatus: [204],
    },
  },
  listRecentOrders: {},
  reorder: { body: () => ({}), object: { own: (w) => ticket(w.own), foreign: (w) => ticket(w.foreign), missing: missingTicket, ownStatus: [201] } },
  listDevices: {},
  listDeviceGroups: {},
  createDeviceGroup: { body: () => ({ name: 'Desktops', families: ['OptiPlex'] }) },
  updateDeviceGroup: {
    body: () => ({ name: 'Renamed', sites: ['Paris'] }),
    object: {
      own: (w) => ({ groupId: w.own.groupForUpdate }),
      foreign: (w) => ({ groupId: w.foreign.groupForUpdate }),
      missing: () => ({ groupId: missingId('dgr') }),
      ownStatus: [200],
    },
  },
  deleteDeviceGroup: {
    object: {
      own: (w) => ({ groupId: w.own.groupForDelete }),
      foreign: (w) => ({ groupId: w.foreign.groupForDelete }),
      missing: () => ({ groupId: missingId('dgr') }),
      ownStatus: [204],
    },
  },
  importDevices: { body: () => devices, object: { own: (w) => org(w.own), crossOrg: STAFF, missing: missingOrg, ownStatus: [200] } },
  listServiceContracts: {},
  // No such asset in the org: refused after authorization (404 device_not_found).
  renewServiceContract: { body: () => ({ kind: 'renew', serials: ['NOPE-0001'], plan: 'basic', durationMonths: 12 }), allowed: [404] },
  listContacts: {},
  setAccountContacts: { body: () => contacts, object: { own: (w) => org(w.own), crossOrg: STAFF, missing: missingOrg, ownStatus: [200] } },
  listSupportHistory: {},
  listDocuments: {},
  getDocumentDownload: {
    object: {
      own: (w) => ({ documentId: w.own.documentId }),
      foreign: (w) => ({ documentId: w.foreign.documentId }),
      missing: () => ({ documentId: missingId('doc') }),
      ownStatus: [200],
    },
  },
  createDocumentUpload: {
    body: () => ({ title: 'Matrix', fileName: 'm.pdf', contentType: 'application/pdf', size: 8 }),
    object: { own: (w) => org(w.own), crossOrg: STAFF, missing: missingOrg, ownStatus: [201] },
  },
  publishDocument: {
    object: {
      own: (w) => ({ orgId: w.own.org.orgId, documentId: w.own.pendingDocumentId }),
      crossOrg: STAFF,
      missing: () => ({ orgId: MISSING_ORG, documentId: missingId('doc') }),
      ownStatus: [200],
    },
  },
  getReport: { params: () => ({ kind: 'orders' }), notAnObject: 'kind is one of a fixed set of report names' },
  // Org A is French: the domain answers 403 not_available_in_region (US orgs only) after authorization.
  listSoftwareSubscriptions: { allowed: [403] },
  setSoftwareSubscriptions: { body: () => subscriptions, object: { own: (w) => org(w.own), crossOrg: STAFF, missing: missingOrg, ownStatus: [200] } },

  // billing (SD-5, BI-1..BI-5)
  listInvoices: {},
  getInvoice: { object: { own: (w) => invoice(w.own), foreign: (w) => invoice(w.foreign), missing: missingInvoice, ownStatus: [200] } },
  getInvoicePdf: { object: { own: (w) => invoice(w.own), foreign: (w) => invoice(w.foreign), missing: missingInvoice, ownStatus: [200] } },
  payInvoice: {
    // Paid with org A's own card: only the invoice differs between own, foreign and missing.
    body: (w) => ({ paymentMethodId: w.own.paymentMethodId }),
    object: { own: (w) => invoice(w.own), foreign: (w) => invoice(w.foreign), missing: missingInvoice, ownStatus: [201] },
  },
  listBillingTransactions: {},
  listPaymentMethods: {},
  addPaymentMethod: { body: () => ({ token: 'tok_visa', billingCountry: 'FR' }) },
  getBillingSettings: {},
  // Keeps the billing report on: switching it off would close the invoice routes (403 billing_report_disabled) for the rest of the run.
  updateBillingSettings: { body: () => ({ mode: 'per_order', contacts: [], reportEnabled: true }) },
  // Not a well-formed VAT ID: refused by the domain after authorization, without calling VIES.
  setVatId: { body: () => ({ vatId: 'XX-NOPE' }), allowed: [400, 422] },
  // Cancelling would end the callers' accounts for the rest of the run: no confirmation, refused after authorization.
  cancelAccount: { body: () => ({}), allowed: [400] },
  // No cancelled account with these credentials: the same 401 as a wrong password.
  reactivateAccount: { body: () => ({ email: uniqueEmail(), password: 'a long enough passphrase 42' }), allowed: [401] },
};
