import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** AC-7 contacts, documents and support history; AC-8 software subscriptions (US only), through the local API. */

let api: TestApi;
let org: Org;
let usOrg: Org;
let staff: TestUser;
let admin: TestUser;
let buyer: TestUser;
let shopper: TestUser;
let foreignAdmin: TestUser;
let usMember: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  let other: Org;
  [org, usOrg, other] = await Promise.all([createTestOrg(), createTestOrg({ country: 'US', name: 'Acme Inc.' }), createTestOrg()]);
  [staff, admin, buyer, shopper, foreignAdmin, usMember] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org, role: 'shopper' } }),
    createTestUser({ org: { org: other, role: 'site_admin' } }),
    createTestUser({ org: { org: usOrg, role: 'shopper' } }),
  ]);
});
afterAll(() => api.close());

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown, key = randomUUID()) => call(user, 'POST', path, { body, headers: { 'idempotency-key': key } });

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

const contacts = [
  { name: 'Claire Dubois', title: 'Account manager', email: 'claire.dubois@vendor.example', phone: '+33140000000', region: 'EMEA' },
  { name: 'Sam Lee', title: 'Technical account manager', email: 'sam.lee@vendor.example' },
];

describe('account-team contacts', () => {
  it('are set by staff and listed to every member of the org, in 2 DynamoDB calls', async () => {
    const set = await call(staff, 'PUT', `/staff/orgs/${org.orgId}/contacts`, { body: { contacts } });
    expect(set.status, set.text).toBe(200);
    const { result: res, calls } = await countDynamoCalls(() => call(shopper, 'GET', '/account/contacts'));
    expect(res.body).toEqual({ items: contacts });
    expect(calls).toEqual(['QueryCommand', 'GetItemCommand']);
    expect((await call(foreignAdmin, 'GET', '/account/contacts')).body).toEqual({ items: [] });
  });

  it('are for staff to set, for a known org, at most 10', async () => {
    expectError(await call(admin, 'PUT', `/staff/orgs/${org.orgId}/contacts`, { body: { contacts } }), 403, 'staff_only');
    expectError(await call(staff, 'PUT', '/staff/orgs/org_doesnotexist0000/contacts', { body: { contacts } }), 404, 'org_not_found', 'path.orgId');
    expectError(await call(staff, 'PUT', `/staff/orgs/${org.orgId}/contacts`, { body: { contacts: Array.from({ length: 11 }, () => contacts[1]) } }), 400, 'invalid_field', 'body.contacts');
    expectError(await call(staff, 'PUT', `/staff/orgs/${org.orgId}/contacts`, { body: { contacts: [{ ...contacts[1], email: 'nope' }] } }), 400, 'invalid_field', 'body.contacts.0.email');
  });
});

describe('documents', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x20), Buffer.from('\n%%EOF\n')]);
  const register = (body: Record<string, unknown> = {}, key = randomUUID()) =>
    post(staff, `/staff/orgs/${org.orgId}/documents`, { title: 'Service agreement 2026', fileName: 'agreement-2026.pdf', contentType: 'application/pdf', size: pdf.length, ...body }, key);

  it('are published by staff (presigned upload, checked, then visible) and downloaded through a fresh short-lived link each time', async () => {
    const created = await register({ description: 'Signed copy' });
    expect(created.status, created.text).toBe(201);
    expect(created.body.document).toMatchObject({ title: 'Service agreement 2026', status: 'pending', size: pdf.length });
    const id = created.body.document.documentId as string;
    // Not visible (nor downloadable) before it is published.
    expect((await call(buyer, 'GET', '/account/documents')).body.items).toEqual([]);
    expectError(await call(buyer, 'GET', `/account/documents/${id}/download`), 404, 'document_not_found', 'path.documentId');
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/documents/${id}/publish`), 422, 'upload_missing');

    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: pdf });
    expect(put.status).toBe(200);
    const published = await call(staff, 'POST', `/staff/orgs/${org.orgId}/documents/${id}/publish`);
    expect(published.status, published.text).toBe(200);
    expect(published.body).toMatchObject({ documentId: id, status: 'published', publishedAt: expect.any(String) });

    const list = await call(buyer, 'GET', '/account/documents');
    expect(list.body.items).toEqual([{ documentId: id, title: 'Service agreement 2026', description: 'Signed copy', fileName: 'agreement-2026.pdf', contentType: 'application/pdf', size: pdf.length, publishedAt: published.body.publishedAt }]);
    const { result: link, calls } = await countDynamoCalls(() => call(buyer, 'GET', `/account/documents/${id}/download`));
    expect(link.status, link.text).toBe(200);
    expect(calls).toEqual(['QueryCommand', 'GetItemCommand']);
    const url = new URL(link.body.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(Math.abs(new Date(link.body.expiresAt).getTime() - (Date.now() + 300_000))).toBeLessThan(10_000);
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    const later = await call(buyer, 'GET', `/account/documents/${id}/download`);
    expect(later.body.url).not.toBe(link.body.url);
  });

  it("answer another org's document exactly like a missing one", async () => {
    const created = await register();
    const id = created.body.document.documentId as string;
    await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: pdf });
    expect((await call(staff, 'POST', `/staff/orgs/${org.orgId}/documents/${id}/publish`)).status).toBe(200);
    const foreign = await call(foreignAdmin, 'GET', `/account/documents/${id}/download`);
    const missing = await call(foreignAdmin, 'GET', `/account/documents/doc_${'0'.repeat(20)}/download`);
    expectError(foreign, 404, 'document_not_found', 'path.documentId');
    expect(missing.body).toEqual(foreign.body);
  });

  it('refuse to publish a file stored with another type or size, an unknown document or org, and non-staff', async () => {
    const created = await register();
    const id = created.body.document.documentId as string;
    await fetch(created.body.upload.url, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'a,b\n' });
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/documents/${id}/publish`), 422, 'upload_mismatch');
    expectError(await call(staff, 'POST', `/staff/orgs/${org.orgId}/documents/doc_${'0'.repeat(20)}/publish`), 404, 'document_not_found');
    expectError(await post(staff, '/staff/orgs/org_doesnotexist0000/documents', { title: 'x', fileName: 'x.pdf', contentType: 'application/pdf', size: 10 }), 404, 'org_not_found', 'path.orgId');
    expectError(await register({ contentType: 'application/x-msdownload' }), 400, 'invalid_field', 'body.contentType');
    expectError(await register({ fileName: '../etc/passwd' }), 400, 'invalid_field', 'body.fileName');
    expectError(await register({ size: 26 * 1024 * 1024 }), 400, 'invalid_field', 'body.size');
    expectError(await post(admin, `/staff/orgs/${org.orgId}/documents`, { title: 'x', fileName: 'x.pdf', contentType: 'application/pdf', size: 10 }), 403, 'staff_only');
    expectError(await call(admin, 'POST', `/staff/orgs/${org.orgId}/documents/${id}/publish`), 403, 'staff_only');
  });

  it('replay a registration retried with the same key, with a freshly signed upload', async () => {
    const key = randomUUID();
    const a = await register({}, key);
    const b = await register({}, key);
    expect(b.body.document).toEqual(a.body.document);
    expect(b.body.upload.url).toEqual(expect.stringContaining(a.body.document.documentId));
  });
});

describe('support history', () => {
  it("merges the org's device requests and service requests, newest first, for site admins, in 3 DynamoDB calls", async () => {
    await call(staff, 'POST', `/staff/orgs/${org.orgId}/devices/import`, {
      body: { devices: [{ serial: 'HIST-1', idKind: 'service_tag', model: 'Latitude 5450', warranty: { plan: 'basic', endDate: '2027-01-01' } }] },
    });
    const ticket = await post(buyer, '/desk/tickets', {
      deliveryAddress: { recipient: 'Léa', line1: '1 rue X', postalCode: '69003', city: 'Lyon', country: 'FR' },
      phone: '+33612345678',
      apprentice: false,
    });
    const sr = await post(admin, '/account/service-contracts/requests', { kind: 'renew', serials: ['HIST-1'], plan: 'pro_support', durationMonths: 12 });
    expect(sr.status, sr.text).toBe(201);

    const { result: res, calls } = await countDynamoCalls(() => call(admin, 'GET', '/account/support-history'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ scope: 'org', truncated: false });
    expect(res.body.items.slice(0, 2)).toEqual([
      { kind: 'service_request', createdAt: sr.body.createdAt, serviceRequest: sr.body },
      { kind: 'device_request', createdAt: ticket.body.createdAt, ticket: expect.objectContaining({ ticketId: ticket.body.ticketId, reference: ticket.body.reference }) },
    ]);
    // principal, then the desk's list entries and the service requests, read in parallel
    expect(calls).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
  });

  it("shows members their own requests, and the org's once the org shares tickets", async () => {
    const own = await call(shopper, 'GET', '/account/support-history');
    expect(own.body.scope).toBe('mine');
    expect(own.body.items).toEqual([]);
    expect((await call(admin, 'PUT', '/desk/settings', { body: { visibility: 'org' } })).status).toBe(200);
    const shared = await call(shopper, 'GET', '/account/support-history');
    expect(shared.body.scope).toBe('org');
    expect(shared.body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call(foreignAdmin, 'GET', '/account/support-history')).body.items).toEqual([]);
    await call(admin, 'PUT', '/desk/settings', { body: { visibility: 'own' } });
  });

  it('takes a bounded date range', async () => {
    const empty = await call(admin, 'GET', '/account/support-history?from=2020-01-01&to=2020-12-31');
    expect(empty.body).toMatchObject({ from: '2020-01-01T00:00:00.000Z', to: '2020-12-31T23:59:59.999Z', items: [] });
    expectError(await call(admin, 'GET', '/account/support-history?from=2020-01-01&to=2022-01-01'), 400, 'date_range_too_long', 'query.from');
    expectError(await call(admin, 'GET', '/account/support-history?from=2021-01-01&to=2020-01-01'), 400, 'invalid_date_range', 'query.from');
    expectError(await call(admin, 'GET', '/account/support-history?from=yesterday'), 400, 'invalid_field', 'query.from');
  });
});

describe('software subscriptions (AC-8)', () => {
  const subscriptions = [{ subscriptionId: 'SUB-001', product: 'Endpoint Protection', quantity: 250, startDate: '2026-01-01', endDate: '2027-12-31', autoRenew: true }];

  it('are listed to members of US organizations, in 2 DynamoDB calls', async () => {
    expect((await call(staff, 'PUT', `/staff/orgs/${usOrg.orgId}/software-subscriptions`, { body: { subscriptions } })).status).toBe(200);
    const { result: res, calls } = await countDynamoCalls(() => call(usMember, 'GET', '/account/software-subscriptions'));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ items: [{ ...subscriptions[0], active: true }] });
    expect(calls).toEqual(['QueryCommand', 'BatchGetItemCommand']);
  });

  it('are not available in other regions: an explicit 403', async () => {
    const res = await call(admin, 'GET', '/account/software-subscriptions');
    expectError(res, 403, 'not_available_in_region');
    expect(res.body.error.message).toMatch(/not available in your region/);
  });

  it('are set by staff only, for a known org, with valid dates and unique ids', async () => {
    expectError(await call(usMember, 'PUT', `/staff/orgs/${usOrg.orgId}/software-subscriptions`, { body: { subscriptions } }), 403, 'staff_only');
    expectError(await call(staff, 'PUT', '/staff/orgs/org_doesnotexist0000/software-subscriptions', { body: { subscriptions } }), 404, 'org_not_found');
    expectError(await call(staff, 'PUT', `/staff/orgs/${usOrg.orgId}/software-subscriptions`, { body: { subscriptions: [{ ...subscriptions[0], endDate: '2025-01-01' }] } }), 400, 'invalid_field', 'body.subscriptions.0.endDate');
    expectError(await call(staff, 'PUT', `/staff/orgs/${usOrg.orgId}/software-subscriptions`, { body: { subscriptions: [subscriptions[0], subscriptions[0]] } }), 400, 'invalid_field', 'body.subscriptions');
    expectError(await call(staff, 'PUT', `/staff/orgs/${usOrg.orgId}/software-subscriptions`, { body: { subscriptions: [{ ...subscriptions[0], quantity: 0 }] } }), 400, 'invalid_field', 'body.subscriptions.0.quantity');
  });
});
