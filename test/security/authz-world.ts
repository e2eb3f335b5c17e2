import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject, vi } from 'vitest';
import { ENV } from '#shared/config/env.ts';
import type { RouteAuth, RouteSpec } from '#shared/contracts/route.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import type { OrgRole } from '#shared/domain/shared/vocabulary.ts';
import { viesRegistry } from '#shared/adapters/billing/vies.ts';
import { getSealer } from '#shared/adapters/crypto/seal-key.ts';
import { billingBatchStore } from '#shared/adapters/dynamodb/repositories/billing-batch.ts';
import { runInvoiceBatch } from '#shared/domain/billing/batch.ts';
import { ensureTable } from '#infra/local/bootstrap.ts';
import { putReadyTicket, setBillingMode } from '#test/builders/billing.ts';
import { pool as runPool, snapshotTable } from './fuzz-harness.ts';
import type { ApiResponse, CallOptions, TestApi } from '#test/support/api.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/**
 * The world the authorization matrix runs in (issue #7 part A): a table of its own (so a whole-table Scan
 * proves "0 writes" and nothing here disturbs other test files), an own org A with a user per org role, a
 * foreign org B with the same kinds of objects, and the accounts outside any org.
 */

/** The role axis. `member` is a buyer; the org roles are members of org A (an Enterprise customer). */
export const ROLES = ['anonymous', 'unverified', 'basic', 'member', 'shopper', 'finance', 'report_viewer', 'site_admin', 'staff', 'cancelled'] as const;
export type RoleName = (typeof ROLES)[number];

const ORG_ROLE_OF: Partial<Record<RoleName, OrgRole>> = { member: 'buyer', shopper: 'shopper', finance: 'finance', report_viewer: 'report_viewer', site_admin: 'site_admin' };

/** The error codes the HTTP layer's authorization answers with (shared/http/auth.ts and the JWT check). */
export const AUTH_LAYER_CODES = new Set([
  'missing_token',
  'invalid_token',
  'wrong_token_type',
  'account_not_found',
  'account_inactive',
  'staff_only',
  'email_not_verified',
  'tier_forbidden',
  'org_membership_required',
  'role_forbidden',
]);

export type Expected = { allowed: true } | { allowed: false; status: 401 | 403; code: string };

/**
 * What a route's `auth` declaration promises for a role, derived from the declaration alone (not from a run):
 * the roles' facts are fixed above (org A is an Enterprise customer; staff, basic and unverified users have
 * no org and the Basic tier; the cancelled user is a buyer of org A).
 */
export function expectedFor(auth: RouteAuth, role: RoleName): Expected {
  if (auth.kind === 'public') return { allowed: true };
  if (role === 'anonymous') return { allowed: false, status: 401, code: 'missing_token' };
  if (role === 'cancelled') return { allowed: false, status: 403, code: 'account_inactive' };
  if (auth.kind === 'staff') return role === 'staff' ? { allowed: true } : { allowed: false, status: 403, code: 'staff_only' };
  if (role === 'unverified' && !auth.allowUnverified) return { allowed: false, status: 403, code: 'email_not_verified' };
  const orgRole = ORG_ROLE_OF[role];
  const tier = orgRole ? 'enterprise' : 'basic';
  if (auth.tiers && !auth.tiers.includes(tier)) return { allowed: false, status: 403, code: 'tier_forbidden' };
  if ((auth.org || auth.roles) && !orgRole) return { allowed: false, status: 403, code: 'org_membership_required' };
  if (auth.roles && orgRole && !auth.roles.includes(orgRole)) return { allowed: false, status: 403, code: 'role_forbidden' };
  return { allowed: true };
}

/** The first role of org A the route lets in (the actor of the object axis). */
export function actorRole(route: RouteSpec): RoleName {
  const order: RoleName[] = ['site_admin', 'member', 'shopper', 'finance', 'report_viewer', 'basic', 'staff'];
  const found = order.find((r) => expectedFor(route.auth, r).allowed);
  if (!found) throw new Error(`${route.operationId}: no role of the matrix may call it`);
  return found;
}

export const missingId = (prefix: string) => `${prefix}_${'0'.repeat(19)}9`;
export const MISSING_ORG = 'org_doesnotexist0000';

export interface OrgObjects {
  org: Org;
  admin: TestUser;
  buyer: TestUser;
  /** Members an admin may change or remove. */
  roleTarget: TestUser;
  removeTarget: TestUser;
  /** A pending invitation (revokeInvitation's object). */
  invitedEmail: string;
  addressForUpdate: string;
  addressForDelete: string;
  groupForUpdate: string;
  groupForDelete: string;
  checkoutProfile: string;
  ticketId: string;
  attachmentId: string;
  documentId: string;
  /** A document uploaded but not yet published (publishDocument's object). */
  pendingDocumentId: string;
  /** An unpaid invoice (issued by the real batch) and a stored card of the org. */
  invoiceId: string;
  paymentMethodId: string;
}

export interface World {
  api: TestApi;
  table: string;
  users: Record<Exclude<RoleName, 'anonymous'>, TestUser>;
  /** A verified user of no org, invited by org A (acceptInvitation's own object). */
  invitee: TestUser;
  own: OrgObjects;
  foreign: OrgObjects;
  call(role: RoleName | TestUser, method: string, path: string, opts?: CallOptions): Promise<ApiResponse>;
  scan(): Promise<string[]>;
}

export const deliveryAddress = { recipient: 'Léa Martin', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' };
export const ticketBody = { deliveryAddress, internalReference: 'HR-2291', phone: '+33612345678', apprentice: false, comment: 'A 14-inch screen.' };
export const addressBody = (label = 'HQ') => ({ label, address: { recipient: 'Reception', line1: '8 rue Ferrandière', postalCode: '69002', city: 'Lyon', country: 'FR' } });

/** A private table for this file's handlers (they read TABLE_NAME per call). Call before startTestApi. */
export async function useOwnTable(prefix: string): Promise<{ table: string; drop: () => Promise<void> }> {
  const table = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable({ endpoint: inject('stack').endpoints.dynamodb, region: 'eu-west-1', tableName: table });
  vi.stubEnv(ENV.tableName, table);
  return {
    table,
    drop: async () => {
      vi.unstubAllEnvs();
      const client = new DynamoDBClient({ endpoint: inject('stack').endpoints.dynamodb });
      await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
      client.destroy();
    },
  };
}

/** Runs `tasks` with at most `limit` in flight (the fuzz harness's pool, over thunks). */
export const pool = <T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> => runPool(tasks, limit, (task) => task());

export function callAs(api: TestApi, user: TestUser | undefined, method: string, path: string, opts: CallOptions = {}): Promise<ApiResponse> {
  return api.call(method, path, { ...opts, ...(user ? { token: user.tokens.accessToken } : {}), headers: { 'idempotency-key': randomUUID(), ...opts.headers } });
}

function must(res: ApiResponse, status: number, what: string): any {
  if (res.status !== status) throw new Error(`world setup: ${what} answered ${res.status} ${res.text}`);
  return res.body;
}

export async function uploadTo(upload: { url: string; headers: Record<string, string> }, bytes: Buffer): Promise<void> {
  const res = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  if (!res.ok) throw new Error(`world setup: upload answered ${res.status}`);
}

/** `count` invoices for `org`, issued per order by the invoice batch for tickets ready to bill since yesterday. */
export async function issueInvoices(org: Org, count = 1): Promise<string[]> {
  const now = new Date();
  const ticketIds: string[] = [];
  for (let i = 0; i < count; i++) ticketIds.push((await putReadyTicket(org, { readyAt: new Date(now.getTime() - 86_400_000).toISOString() })).ticketId);
  await setBillingMode(org, 'per_order');
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(now.getTime() - 86_400_000));
  await runInvoiceBatch(
    { date, orgIds: [org.orgId] },
    { store: billingBatchStore({ sealer: await getSealer() }), vat: viesRegistry(undefined), clock: { now: () => now }, timeZone: 'Europe/Paris' },
  );
  return ticketIds;
}

/** One org with a member of each kind the object axis needs and one object of each kind. */
async function buildOrg(api: TestApi, staff: TestUser, org: Org, admin: TestUser, buyer: TestUser, invitee?: string): Promise<OrgObjects> {
  const invitedEmail = `invited-${randomUUID().slice(0, 8)}@acme-test.example`;
  const as = (u: TestUser, method: string, path: string, body?: unknown) => callAs(api, u, method, path, body === undefined ? {} : { body });
  const [roleTarget, removeTarget] = await Promise.all([createTestUser({ org: { org, role: 'buyer' } }), createTestUser({ org: { org, role: 'buyer' } })]);
  const [a1, a2, a3, g1, g2, ticket] = await Promise.all([
    as(buyer, 'POST', '/account/addresses', addressBody('Update me')).then((r) => must(r, 201, 'createAddress').addressId as string),
    as(buyer, 'POST', '/account/addresses', addressBody('Delete me')).then((r) => must(r, 201, 'createAddress').addressId as string),
    as(admin, 'POST', '/account/addresses', addressBody('Checkout')).then((r) => must(r, 201, 'createAddress').addressId as string),
    as(buyer, 'POST', '/account/device-groups', { name: 'Laptops', families: ['Latitude'] }).then((r) => must(r, 201, 'createDeviceGroup').groupId as string),
    as(buyer, 'POST', '/account/device-groups', { name: 'Old', sites: ['Lyon'] }).then((r) => must(r, 201, 'createDeviceGroup').groupId as string),
    as(buyer, 'POST', '/desk/tickets', ticketBody).then((r) => must(r, 201, 'createDeviceRequest') as { ticketId: string }),
    as(admin, 'POST', '/account/users/invitations', { email: invitedEmail, role: 'buyer' }).then((r) => must(r, 201, 'inviteOrgUser')),
    invitee && as(admin, 'POST', '/account/users/invitations', { email: invitee, role: 'buyer' }).then((r) => must(r, 201, 'inviteOrgUser')),
  ]);
  const card = must(await as(admin, 'POST', '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' }), 201, 'addPaymentMethod');
  const profile = must(await as(admin, 'POST', '/account/checkout-profiles', { label: 'Express', addressId: a3, paymentMethodToken: card.paymentMethodId }), 201, 'createCheckoutProfile');
  const att = must(await as(buyer, 'POST', `/desk/tickets/${ticket.ticketId}/attachments`, { fileName: 'quote.pdf', contentType: 'application/pdf', size: 8 }), 201, 'createAttachmentUpload');
  await uploadTo(att.upload, Buffer.from('%PDF-1.4'));
  const docBody = { title: 'Contract', fileName: 'contract.pdf', contentType: 'application/pdf', size: 8 };
  const [doc, pending] = await Promise.all([
    as(staff, 'POST', `/staff/orgs/${org.orgId}/documents`, docBody).then((r) => must(r, 201, 'createDocumentUpload')),
    as(staff, 'POST', `/staff/orgs/${org.orgId}/documents`, docBody).then((r) => must(r, 201, 'createDocumentUpload')),
  ]);
  await Promise.all([uploadTo(doc.upload, Buffer.from('%PDF-1.4')), uploadTo(pending.upload, Buffer.from('%PDF-1.4'))]);
  must(await as(staff, 'POST', `/staff/orgs/${org.orgId}/documents/${doc.document.documentId}/publish`), 200, 'publishDocument');
  await issueInvoices(org);
  const invoiceId = must(await as(admin, 'GET', '/billing/invoices'), 200, 'listInvoices').items[0]?.invoiceId as string;
  return {
    org,
    admin,
    buyer,
    roleTarget,
    removeTarget,
    invitedEmail,
    addressForUpdate: a1,
    addressForDelete: a2,
    groupForUpdate: g1,
    groupForDelete: g2,
    checkoutProfile: profile.profileId,
    ticketId: ticket.ticketId,
    attachmentId: att.attachment.attachmentId,
    documentId: doc.document.documentId,
    pendingDocumentId: pending.document.documentId,
    invoiceId,
    paymentMethodId: card.paymentMethodId,
  };
}

/** Builds the world on the running API (whose handlers already use `table`). */
export async function buildWorld(api: TestApi, table: string): Promise<World> {
  const [orgA, orgB] = await Promise.all([createTestOrg(), createTestOrg()]);
  const [unverified, basic, member, shopper, finance, report_viewer, site_admin, staff, cancelled, invitee, adminB, buyerB] = await Promise.all([
    createTestUser({ verified: false }),
    createTestUser({}),
    createTestUser({ org: { org: orgA, role: 'buyer' } }),
    createTestUser({ org: { org: orgA, role: 'shopper' } }),
    createTestUser({ org: { org: orgA, role: 'finance' } }),
    createTestUser({ org: { org: orgA, role: 'report_viewer' } }),
    createTestUser({ org: { org: orgA, role: 'site_admin' } }),
    createTestUser({ staff: true }),
    createTestUser({ status: 'cancelled', org: { org: orgA, role: 'buyer' } }),
    createTestUser({}),
    createTestUser({ org: { org: orgB, role: 'site_admin' } }),
    createTestUser({ org: { org: orgB, role: 'buyer' } }),
  ]);
  const [own, foreign] = await Promise.all([
    buildOrg(api, staff, orgA, site_admin, member, invitee.email),
    buildOrg(api, staff, orgB, adminB, buyerB),
  ]);
  const users = { unverified, basic, member, shopper, finance, report_viewer, site_admin, staff, cancelled };
  return {
    api,
    table,
    users,
    invitee,
    own,
    foreign,
    call: (role, method, path, opts) => callAs(api, typeof role === 'string' ? (role === 'anonymous' ? undefined : users[role]) : role, method, path, opts),
    scan: () => snapshotTable(table, inject('stack').endpoints.dynamodb),
  };
}
