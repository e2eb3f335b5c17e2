import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '#shared/adapters/dynamodb/client.ts';
import { keys } from '#shared/adapters/dynamodb/keys.ts';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** AC-8 CSV reports of orders, tickets and invoices, through the local API. */

let api: TestApi;
let org: Org;
let staff: TestUser;
let admin: TestUser;
let finance: TestUser;
let viewer: TestUser;
let buyer: TestUser;
let foreignFinance: TestUser;
const tickets: { ticketId: string; reference: string; createdAt: string }[] = [];

const call = (user: TestUser, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token: user.tokens.accessToken, ...opts });
const post = (user: TestUser, path: string, body: unknown) => call(user, 'POST', path, { body, headers: { 'idempotency-key': randomUUID() } });
const rows = (res: ApiResponse) => res.text.split('\r\n').filter(Boolean);

function expectError(res: ApiResponse, status: number, code: string, param?: string) {
  expect(res.status, res.text).toBe(status);
  const { error } = ErrorBody.parse(res.body);
  expect(error.code).toBe(code);
  if (param !== undefined) expect(error.param).toBe(param);
}

beforeAll(async () => {
  api = await startTestApi();
  const other = await createTestOrg();
  org = await createTestOrg();
  [staff, admin, finance, viewer, buyer, foreignFinance] = await Promise.all([
    createTestUser({ staff: true }),
    createTestUser({ org: { org, role: 'site_admin' } }),
    createTestUser({ org: { org, role: 'finance' } }),
    createTestUser({ org: { org, role: 'report_viewer' } }),
    createTestUser({ org: { org, role: 'buyer' } }),
    createTestUser({ org: { org: other, role: 'finance' } }),
  ]);
  for (const internalReference of ['PO-1', '=HYPERLINK("http://evil.example","click")', 'Smith, "Jr"']) {
    const res = await post(buyer, '/desk/tickets', {
      deliveryAddress: { recipient: 'Léa', line1: '1 rue X', postalCode: '69003', city: 'Lyon', country: 'FR' },
      internalReference,
      phone: '+33612345678',
      apprentice: false,
    });
    tickets.unshift(res.body);
  }
  await call(staff, 'POST', `/staff/orgs/${org.orgId}/devices/import`, {
    body: { devices: [{ serial: 'REP-1', idKind: 'service_tag', model: 'Latitude 5450', warranty: { plan: 'basic', endDate: '2027-01-01' } }] },
  });
  await post(admin, '/account/service-contracts/requests', { kind: 'renew', serials: ['REP-1'], plan: 'pro_support', durationMonths: 24 });
  // Billing's invoice items (P66) as the billing issue will write them.
  const issuedAt = new Date().toISOString();
  await documentClient().send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { ...keys.invoiceReportEntry(org.orgId, issuedAt, 'inv_01'), invoiceId: 'inv_01', invoiceNumber: 'INV-2026-0001', issuedAt, dueDate: '2026-12-31', status: 'unpaid', currency: 'EUR', totalMinor: 1234550, ticketReferences: [tickets[2]?.reference] },
    }),
  );
});
afterAll(() => api.close());

describe('getReport', () => {
  it('streams the orders of the range as CSV with formulas neutralised, in one query page after the principal', async () => {
    const { result: res, calls } = await countDynamoCalls(() => call(finance, 'GET', '/account/reports/orders'));
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.headers.get('x-report-rows')).toBe('3');
    expect(res.headers.get('x-report-truncated')).toBe('false');
    const lines = rows(res);
    expect(lines[0]).toBe('reference,created_at,status,internal_reference,requester,apprentice,updated_at');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(tickets.map((t) => t.reference));
    expect(lines[1]).toContain(',"Smith, ""Jr""",');
    expect(lines[2]).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(calls).toEqual(['QueryCommand', 'QueryCommand']);
  });

  it('merges device requests and service requests into the tickets report', async () => {
    const res = await call(viewer, 'GET', '/account/reports/tickets');
    expect(res.status, res.text).toBe(200);
    const lines = rows(res);
    expect(lines[0]).toBe('kind,reference,created_at,status,requester,summary,updated_at');
    expect(lines[1]).toMatch(/^service_request,SR-[0-9A-F]{10},[^,]+,submitted,Test User,"renew to pro_support, 24 months: REP-1",[^,]+$/);
    expect(lines.filter((l) => l.startsWith('device_request'))).toHaveLength(3);
  });

  it('lists the invoices billing wrote, with their amounts', async () => {
    const res = await call(admin, 'GET', '/account/reports/invoices');
    expect(res.status, res.text).toBe(200);
    expect(rows(res)).toEqual(['invoice_number,issued_at,due_date,status,currency,total,tickets', expect.stringMatching(new RegExp(`^INV-2026-0001,.*,2026-12-31,unpaid,EUR,12345.50,${tickets[2]?.reference}$`))]);
    const foreign = await call(foreignFinance, 'GET', '/account/reports/invoices');
    expect(rows(foreign)).toHaveLength(1);
  });

  it("covers only the range asked, and only the caller's org", async () => {
    const old = await call(finance, 'GET', '/account/reports/orders?from=2020-01-01&to=2020-06-30');
    expect(old.headers.get('content-disposition')).toContain('orders_2020-01-01_2020-06-30.csv');
    expect(rows(old)).toHaveLength(1);
    expect(rows(await call(foreignFinance, 'GET', '/account/reports/orders'))).toHaveLength(1);
  });

  it('is for site admins, finance and report viewers, over a bounded range of a known kind', async () => {
    expectError(await call(buyer, 'GET', '/account/reports/orders'), 403, 'role_forbidden');
    expectError(await call(finance, 'GET', '/account/reports/payroll'), 400, 'invalid_field', 'path.kind');
    expectError(await call(finance, 'GET', '/account/reports/orders?from=2024-01-01&to=2025-06-01'), 400, 'date_range_too_long', 'query.from');
    expectError(await call(finance, 'GET', '/account/reports/orders?from=2025-06-01&to=2025-01-01'), 400, 'invalid_date_range');
    expectError(await call(finance, 'GET', '/account/reports/orders?format=xlsx'), 400, 'unknown_field', 'query.format');
    const limited = await createTestUser({ org: { org, role: 'finance' }, tier: 'limited' });
    expectError(await call(limited, 'GET', '/account/reports/orders'), 403, 'tier_forbidden');
  });
});
