import type { Clock } from '#shared/lib/ids.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import { type Cursors, memberOf, pageOf, pager, requireIdempotency } from './common.ts';
import type { AddressEntry, BookAddress, CheckoutProfile } from './model.ts';
import { type BookStore, RefusedWriteError } from './ports.ts';

/**
 * AC-3: the org's address book (shared by its members; the roles that order maintain it) and each user's
 * express checkout profiles (an address of the book plus one of the org's payment methods, `pm_…` from
 * billing's addPaymentMethod).
 * An address used by a checkout profile cannot be deleted (409): the profile's reference is recorded on the
 * address in the transaction that creates the profile.
 */

const addressNotFound = (param = 'path.addressId') => new NotFoundError('address_not_found', 'No such address in your address book.', param);

export function addressView(a: AddressEntry) {
  return {
    addressId: a.addressId,
    label: a.label,
    address: { ...a.address },
    ...(a.phone ? { phone: a.phone } : {}),
    inUse: (a.usedBy?.length ?? 0) > 0,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

export function checkoutProfileView(p: CheckoutProfile) {
  return { profileId: p.profileId, label: p.label, addressId: p.addressId, paymentMethodToken: p.paymentMethodToken, createdAt: p.createdAt };
}

export interface AddressInput {
  label: string;
  address: BookAddress;
  phone?: string | undefined;
}

export async function listAddresses(q: { limit: number; cursor?: string | undefined }, auth: Principal, deps: { store: Pick<BookStore, 'listAddresses'>; cursors: Cursors }) {
  const org = memberOf(auth);
  const pages = pager(deps.cursors, 'account-addresses', org.orgId, auth.userId);
  const page = await deps.store.listAddresses(org.orgId, q.limit, await pages.decode(q.cursor));
  return pageOf(page.items.map(addressView), await pages.encode(page.lastKey));
}

export async function createAddress(input: AddressInput, auth: Principal, idempotencyContext: IdempotencyContext | undefined, deps: { store: Pick<BookStore, 'createAddress'>; clock: Clock }) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const at = now.toISOString();
  const entry: AddressEntry = {
    orgId: org.orgId,
    addressId: idempotentEntityId('adr', idempotency),
    label: input.label,
    address: input.address,
    phone: input.phone,
    createdBy: auth.userId,
    createdAt: at,
    updatedAt: at,
  };
  const view = addressView(entry);
  const out = await entityConflictAsKeyReuse(() => deps.store.createAddress(entry, idempotency, { status: 201, body: view }, now));
  return out.response.body as typeof view;
}

export async function updateAddress(addressId: string, input: AddressInput, auth: Principal, deps: { store: Pick<BookStore, 'updateAddress'>; clock: Clock }) {
  const org = memberOf(auth);
  try {
    const updated = await deps.store.updateAddress({ orgId: org.orgId, addressId, label: input.label, address: input.address, phone: input.phone, updatedAt: deps.clock.now().toISOString() });
    return addressView(updated);
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw addressNotFound();
    throw e;
  }
}

export async function deleteAddress(addressId: string, auth: Principal, deps: { store: Pick<BookStore, 'deleteAddress'> }) {
  const org = memberOf(auth);
  try {
    await deps.store.deleteAddress(org.orgId, addressId);
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw addressNotFound();
    if (e instanceof RefusedWriteError && e.reason === 'address_in_use') {
      throw new ConflictError('address_in_use', 'An express checkout profile uses this address: delete the profile first.', 'path.addressId');
    }
    throw e;
  }
}

export async function listCheckoutProfiles(q: { limit: number; cursor?: string | undefined }, auth: Principal, deps: { store: Pick<BookStore, 'listCheckoutProfiles'>; cursors: Cursors }) {
  const org = memberOf(auth);
  const pages = pager(deps.cursors, 'account-checkout', org.orgId, auth.userId);
  const page = await deps.store.listCheckoutProfiles(org.orgId, auth.userId, q.limit, await pages.decode(q.cursor));
  return pageOf(page.items.map(checkoutProfileView), await pages.encode(page.lastKey));
}

export async function createCheckoutProfile(
  input: { label: string; addressId: string; paymentMethodToken: string },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<BookStore, 'createCheckoutProfile'>; clock: Clock },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const now = deps.clock.now();
  const profile: CheckoutProfile = {
    orgId: org.orgId,
    userId: auth.userId,
    profileId: idempotentEntityId('xcp', idempotency),
    label: input.label,
    addressId: input.addressId,
    paymentMethodToken: input.paymentMethodToken,
    createdAt: now.toISOString(),
  };
  const view = checkoutProfileView(profile);
  try {
    const out = await entityConflictAsKeyReuse(() => deps.store.createCheckoutProfile(profile, idempotency, { status: 201, body: view }, now));
    return out.response.body as typeof view;
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'address_missing') throw addressNotFound('body.addressId');
    if (e instanceof RefusedWriteError && e.reason === 'payment_method_missing') {
      throw new NotFoundError('payment_method_not_found', "No such card on file: add it with addPaymentMethod (the org's payment methods).", 'body.paymentMethodToken');
    }
    throw e;
  }
}

export async function deleteCheckoutProfile(profileId: string, auth: Principal, deps: { store: Pick<BookStore, 'getCheckoutProfile' | 'deleteCheckoutProfile'> }) {
  const org = memberOf(auth);
  const notFound = () => new NotFoundError('checkout_profile_not_found', 'No such express checkout profile.', 'path.profileId');
  const profile = await deps.store.getCheckoutProfile(org.orgId, auth.userId, profileId);
  if (!profile) throw notFound();
  try {
    await deps.store.deleteCheckoutProfile(profile);
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'missing') throw notFound();
    throw e;
  }
}

/**
 * The entity of an idempotent create exists but its idempotency record does not (it expired after 24 h):
 * the key cannot be reused for a new entity.
 */
export async function entityConflictAsKeyReuse<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (e instanceof RefusedWriteError && e.reason === 'entity_exists') {
      throw new ConflictError('idempotency_key_expired', 'This Idempotency-Key already created something; use a new key for a new request.', 'header.idempotency-key');
    }
    throw e;
  }
}
