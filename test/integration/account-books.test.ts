import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '#shared/contracts/common.ts';
import type { Org } from '#shared/domain/identity/model.ts';
import { type ApiResponse, type TestApi, startTestApi } from '#test/support/api.ts';
import { countDynamoCalls } from '#test/support/dynamo-calls.ts';
import { type TestUser, createTestOrg, createTestUser } from '#test/support/identity.ts';

/** AC-3 address book (per org) and express checkout profiles (per user), through the local API. */

let api: TestApi;
let org: Org;
let buyer: TestUser;
let shopper: TestUser;
let finance: TestUser;
let foreignBuyer: TestUser;

beforeAll(async () => {
  api = await startTestApi();
  const [a, b] = await Promise.all([createTestOrg(), createTestOrg()]);
  org = a;
  [buyer, shopper, finance, foreignBuyer] = await Promise.all([
    createTestUser({ org: { org: a, role: 'buyer' } }),
    createTestUser({ org: { org: a, role: 'shopper' } }),
    createTestUser({ org: { org: a, role: 'finance' } }),
    createTestUser({ org: { org: b, role: 'buyer' } }),
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

const address = (over: Record<string, unknown> = {}) => ({
  label: 'Lyon warehouse',
  address: { recipient: 'Goods reception', company: 'Acme', line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR', ...over },
  phone: '+33472000000',
});

describe('the address book', () => {
  it('creates an address in 2 DynamoDB calls, shared with the org and invisible to other orgs', async () => {
    const { result: created, calls } = await countDynamoCalls(() => post(shopper, '/account/addresses', address()));
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ label: 'Lyon warehouse', address: { city: 'Lyon', postalCode: '69003' }, phone: '+33472000000', inUse: false });
    expect(created.body.addressId).toMatch(/^adr_[0-9a-z]{20}$/);
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);
    const list = await call(finance, 'GET', '/account/addresses');
    expect(list.body.items.map((a: { addressId: string }) => a.addressId)).toContain(created.body.addressId);
    const foreign = await call(foreignBuyer, 'GET', '/account/addresses');
    expect(foreign.body.items.map((a: { addressId: string }) => a.addressId)).not.toContain(created.body.addressId);
  });

  it('replays a retry with the same Idempotency-Key as the same address', async () => {
    const key = randomUUID();
    const first = await post(buyer, '/account/addresses', address({ city: 'Villeurbanne', postalCode: '69100' }), key);
    const again = await post(buyer, '/account/addresses', address({ city: 'Villeurbanne', postalCode: '69100' }), key);
    expect(again.body).toEqual(first.body);
    expectError(await post(buyer, '/account/addresses', address(), key), 422, 'idempotency_key_reused');
  });

  it('validates the address per country, strictly', async () => {
    expectError(await post(buyer, '/account/addresses', address({ postalCode: '6900' })), 400, 'invalid_field', 'body.address.postalCode');
    expectError(await post(buyer, '/account/addresses', address({ country: 'HK', postalCode: '999077' })), 400, 'invalid_field', 'body.address.postalCode');
    expect((await post(buyer, '/account/addresses', address({ country: 'HK', postalCode: undefined }))).status).toBe(201);
    expectError(await post(buyer, '/account/addresses', { ...address(), label: '' }), 400, 'invalid_field', 'body.label');
    expectError(await post(buyer, '/account/addresses', { ...address(), default: true }), 400, 'unknown_field', 'body.default');
    expectError(await post(buyer, '/account/addresses', { ...address(), phone: '0472000000' }), 400, 'invalid_field', 'body.phone');
  });

  it('replaces and deletes an address; another org\'s address answers exactly like a missing one', async () => {
    const created = await post(buyer, '/account/addresses', address());
    const id = created.body.addressId as string;
    const updated = await call(buyer, 'PUT', `/account/addresses/${id}`, { body: { label: 'HQ', address: address().address } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ addressId: id, label: 'HQ', inUse: false });
    expect(updated.body.phone).toBeUndefined();

    const missingId = `adr_${'0'.repeat(20)}`;
    for (const [method, body] of [['PUT', address()], ['DELETE', undefined]] as const) {
      const foreign = await call(foreignBuyer, method, `/account/addresses/${id}`, { body });
      const missing = await call(foreignBuyer, method, `/account/addresses/${missingId}`, { body });
      expectError(foreign, 404, 'address_not_found', 'path.addressId');
      expect(missing.body).toEqual(foreign.body);
    }
    expect((await call(buyer, 'DELETE', `/account/addresses/${id}`)).status).toBe(204);
    expectError(await call(buyer, 'DELETE', `/account/addresses/${id}`), 404, 'address_not_found');
    expectError(await call(buyer, 'DELETE', '/account/addresses/not-an-id'), 400, 'invalid_field', 'path.addressId');
  });

  it('is maintained by the roles that order: finance and report viewers read it only', async () => {
    expectError(await post(finance, '/account/addresses', address()), 403, 'role_forbidden');
    expectError(await call(finance, 'PUT', `/account/addresses/adr_${'0'.repeat(20)}`, { body: address() }), 403, 'role_forbidden');
    expectError(await call(finance, 'DELETE', `/account/addresses/adr_${'0'.repeat(20)}`), 403, 'role_forbidden');
  });
});

describe('express checkout profiles', () => {
  /** One of the org's cards on file (billing, BI-3), which a profile must reference. */
  let card: string;
  beforeAll(async () => {
    const res = await post(finance, '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' });
    expect(res.status, res.text).toBe(201);
    card = res.body.paymentMethodId;
  });

  it('pair an address of the book with a payment method token; the address cannot be deleted while used', async () => {
    const addr = await post(buyer, '/account/addresses', address());
    const { result: profile, calls } = await countDynamoCalls(() =>
      post(buyer, '/account/checkout-profiles', { label: 'Lyon, corporate card', addressId: addr.body.addressId, paymentMethodToken: card }),
    );
    expect(profile.status, profile.text).toBe(201);
    expect(profile.body).toMatchObject({ label: 'Lyon, corporate card', addressId: addr.body.addressId, paymentMethodToken: card });
    expect(calls).toEqual(['QueryCommand', 'TransactWriteItemsCommand']);

    const listed = await call(buyer, 'GET', '/account/checkout-profiles');
    expect(listed.body.items).toEqual([profile.body]);
    expect((await call(shopper, 'GET', '/account/checkout-profiles')).body.items).toEqual([]);
    const book = await call(buyer, 'GET', '/account/addresses?limit=100');
    expect(book.body.items.find((a: { addressId: string }) => a.addressId === addr.body.addressId).inUse).toBe(true);

    expectError(await call(buyer, 'DELETE', `/account/addresses/${addr.body.addressId}`), 409, 'address_in_use', 'path.addressId');
    expect((await call(buyer, 'DELETE', `/account/checkout-profiles/${profile.body.profileId}`)).status).toBe(204);
    expect((await call(buyer, 'DELETE', `/account/addresses/${addr.body.addressId}`)).status).toBe(204);
  });

  it('need an address of the caller\'s org (404 for a foreign or missing one) and a token reference, never card data', async () => {
    const foreignAddr = await post(foreignBuyer, '/account/addresses', address());
    const foreign = await post(buyer, '/account/checkout-profiles', { label: 'x', addressId: foreignAddr.body.addressId, paymentMethodToken: card });
    const missing = await post(buyer, '/account/checkout-profiles', { label: 'x', addressId: `adr_${'1'.repeat(20)}`, paymentMethodToken: card });
    expectError(foreign, 404, 'address_not_found', 'body.addressId');
    expect(missing.body).toEqual(foreign.body);
    const addr = await post(buyer, '/account/addresses', address());
    expectError(await post(buyer, '/account/checkout-profiles', { label: 'x', addressId: addr.body.addressId, paymentMethodToken: '4111111111111111' }), 400, 'invalid_field', 'body.paymentMethodToken');
    expectError(await post(buyer, '/account/checkout-profiles', { label: 'x', addressId: addr.body.addressId, paymentMethodToken: card, cvc: '123' }), 400, 'unknown_field', 'body.cvc');
    // The payment method must be one of the org's cards on file: another org's or a made-up one is 404, nothing written.
    const otherFinance = await createTestUser({ org: { org: await createTestOrg(), role: 'finance' } });
    const foreignCard = await post(otherFinance, '/billing/payment-methods', { token: 'tok_visa', billingCountry: 'FR' });
    expect(foreignCard.status).toBe(201);
    for (const token of [foreignCard.body.paymentMethodId, 'pm_1PqRsTuVwXyZ']) {
      expectError(await post(buyer, '/account/checkout-profiles', { label: 'x', addressId: addr.body.addressId, paymentMethodToken: token }), 404, 'payment_method_not_found', 'body.paymentMethodToken');
    }
    expect((await call(buyer, 'GET', '/account/addresses?limit=100')).body.items.find((a: { addressId: string }) => a.addressId === addr.body.addressId).inUse).toBe(false);
  });

  it("are the caller's own: someone else's profile answers like a missing one", async () => {
    const addr = await post(buyer, '/account/addresses', address());
    const profile = await post(buyer, '/account/checkout-profiles', { label: 'mine', addressId: addr.body.addressId, paymentMethodToken: card });
    const other = await call(shopper, 'DELETE', `/account/checkout-profiles/${profile.body.profileId}`);
    const missing = await call(shopper, 'DELETE', `/account/checkout-profiles/xcp_${'0'.repeat(20)}`);
    expectError(other, 404, 'checkout_profile_not_found', 'path.profileId');
    expect(missing.body).toEqual(other.body);
    expectError(await call(finance, 'GET', '/account/checkout-profiles'), 403, 'role_forbidden');
  });
});
