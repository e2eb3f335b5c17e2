import type { Clock } from '#shared/lib/ids.ts';
import { memberOf, requireIdempotency } from '../account/common.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Principal } from '../identity/model.ts';
import { type IdempotencyContext, idempotentEntityId } from '../shared/idempotency.ts';
import { type BillingContact, type BillingMode, type BillingSettings, type PaymentMethod, defaultBillingSettings } from './model.ts';
import { isEuCountry } from './money.ts';
import type { BillingStore, PaymentGateway, VatRegistry } from './ports.ts';
import { validateVatId, vatStatusOf } from './vat.ts';

/** SD-5 billing settings, BI-4 VAT ID, BI-3 payment methods (tokens with brand, last 4 and expiry only). */

export function settingsView(s: BillingSettings, orgCountry: string) {
  return {
    mode: s.mode,
    contacts: s.contacts.map((c) => ({ ...c })),
    reportEnabled: s.reportEnabled,
    vat: {
      offered: isEuCountry(orgCountry),
      ...(s.vatId ? { vatId: s.vatId, status: s.vatStatus ?? 'unchecked' } : {}),
      ...(s.vatCheckedAt ? { checkedAt: s.vatCheckedAt } : {}),
    },
    ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
  };
}

async function orgSettings(auth: Principal, store: Pick<BillingStore, 'orgBilling'>) {
  const org = memberOf(auth);
  const billing = await store.orgBilling(org.orgId);
  if (!billing) throw new NotFoundError('organization_not_found', 'Your organization no longer exists.');
  return billing;
}

export async function getBillingSettings(auth: Principal, deps: { store: Pick<BillingStore, 'orgBilling'> }) {
  const b = await orgSettings(auth, deps.store);
  return settingsView(b.settings, b.address?.country ?? b.country);
}

export async function updateBillingSettings(
  input: { mode: BillingMode; contacts: BillingContact[]; reportEnabled: boolean },
  auth: Principal,
  deps: { store: Pick<BillingStore, 'orgBilling' | 'putSettings'>; clock: Clock },
) {
  const b = await orgSettings(auth, deps.store);
  const emails = input.contacts.map((c) => c.email.toLowerCase());
  if (new Set(emails).size !== emails.length) throw new ValidationError('duplicate_contact', 'Each billing contact email may appear once.', 'body.contacts');
  const next: BillingSettings = { ...b.settings, mode: input.mode, contacts: input.contacts, reportEnabled: input.reportEnabled, updatedAt: deps.clock.now().toISOString(), updatedBy: auth.userId };
  await deps.store.putSettings(next, { updatedAt: b.settings.updatedAt });
  return settingsView(next, b.address?.country ?? b.country);
}

export async function setVatId(input: { vatId: string }, auth: Principal, deps: { store: Pick<BillingStore, 'orgBilling' | 'putSettings'>; vat: VatRegistry; clock: Clock }) {
  const b = await orgSettings(auth, deps.store);
  const country = b.address?.country ?? b.country;
  const vatId = validateVatId(input.vatId, country);
  const { status, name } = await vatStatusOf(vatId, deps.vat);
  const now = deps.clock.now().toISOString();
  const next: BillingSettings = { ...(b.settings ?? defaultBillingSettings(b.orgId)), vatId, vatStatus: status, vatCheckedAt: now, ...(name ? { vatName: name } : {}), updatedAt: now, updatedBy: auth.userId };
  await deps.store.putSettings(next, { updatedAt: b.settings?.updatedAt });
  return settingsView(next, country);
}

export function paymentMethodView(pm: PaymentMethod) {
  return { paymentMethodId: pm.paymentMethodId, brand: pm.brand, last4: pm.last4, expMonth: pm.expMonth, expYear: pm.expYear, billingCountry: pm.billingCountry, createdAt: pm.createdAt };
}

export async function listPaymentMethods(auth: Principal, deps: { store: Pick<BillingStore, 'listPaymentMethods'> }) {
  const org = memberOf(auth);
  const items = await deps.store.listPaymentMethods(org.orgId);
  return { items: items.map(paymentMethodView) };
}

export const MAX_PAYMENT_METHODS = 20;

export async function addPaymentMethod(
  input: { token: string; billingCountry: string },
  auth: Principal,
  idempotencyContext: IdempotencyContext | undefined,
  deps: { store: Pick<BillingStore, 'addPaymentMethod'>; gateway: PaymentGateway; clock: Clock },
) {
  const idempotency = requireIdempotency(idempotencyContext);
  const org = memberOf(auth);
  const card = await deps.gateway.describe(input.token);
  if (!card) throw new ValidationError('unknown_payment_token', 'The card processor does not know this token: tokenize the card again.', 'body.token');
  const now = deps.clock.now();
  const expired = card.expYear < now.getUTCFullYear() || (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1);
  if (expired) throw new ValidationError('expired_card', 'This card has expired.', 'body.token');
  const pm: PaymentMethod = {
    orgId: org.orgId,
    paymentMethodId: idempotentEntityId('pm', idempotency),
    token: input.token,
    ...card,
    billingCountry: input.billingCountry,
    createdAt: now.toISOString(),
    createdBy: auth.userId,
  };
  const view = paymentMethodView(pm);
  try {
    const out = await deps.store.addPaymentMethod(pm, idempotency, { status: 201, body: view }, now);
    return out.response.body as typeof view;
  } catch (e) {
    if ((e as { name?: string }).name === 'TransactionCanceledException') {
      throw new ConflictError('idempotency_key_expired', 'This Idempotency-Key already created something; use a new key for a new request.', 'header.idempotency-key');
    }
    throw e;
  }
}
