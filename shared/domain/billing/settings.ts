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

/** Attempts of a settings save before 409 `settings_changed`: each lost race re-reads and re-applies. */
const SAVE_ATTEMPTS = 3;

/**
 * Read, change, and write the org's billing settings while they are still as read. A save changes only its own
 * fields, so when another save lands in between this one re-reads and re-applies them on top of it (the other
 * save's fields stay): two admins saving at once both succeed and neither undoes the other. After
 * SAVE_ATTEMPTS lost races in a row the caller gets 409 `settings_changed`.
 */
async function saveSettings(
  auth: Principal,
  store: Pick<BillingStore, 'orgBilling' | 'putSettings'>,
  change: (b: NonNullable<Awaited<ReturnType<BillingStore['orgBilling']>>>) => BillingSettings | Promise<BillingSettings>,
) {
  for (let attempt = 1; ; attempt++) {
    const b = await orgSettings(auth, store);
    const next = await change(b);
    try {
      await store.putSettings(next, { updatedAt: b.settings?.updatedAt, vatCheckedAt: b.settings?.vatCheckedAt });
      return settingsView(next, b.address?.country ?? b.country);
    } catch (e) {
      if (!(e instanceof ConflictError && e.code === 'settings_changed') || attempt >= SAVE_ATTEMPTS) throw e;
    }
  }
}

export async function updateBillingSettings(
  input: { mode: BillingMode; contacts: BillingContact[]; reportEnabled: boolean },
  auth: Principal,
  deps: { store: Pick<BillingStore, 'orgBilling' | 'putSettings'>; clock: Clock },
) {
  const emails = input.contacts.map((c) => c.email.toLowerCase());
  if (new Set(emails).size !== emails.length) throw new ValidationError('duplicate_contact', 'Each billing contact email may appear once.', 'body.contacts');
  return saveSettings(auth, deps.store, (b) => ({
    ...b.settings,
    mode: input.mode,
    contacts: input.contacts,
    reportEnabled: input.reportEnabled,
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: auth.userId,
  }));
}

export async function setVatId(input: { vatId: string }, auth: Principal, deps: { store: Pick<BillingStore, 'orgBilling' | 'putSettings'>; vat: VatRegistry; clock: Clock }) {
  // The registry is asked once per VAT ID; a retried save re-checks the format against the country it re-reads.
  const checks = new Map<string, Awaited<ReturnType<typeof vatStatusOf>> & { at: string }>();
  return saveSettings(auth, deps.store, async (b) => {
    const vatId = validateVatId(input.vatId, b.address?.country ?? b.country);
    let check = checks.get(vatId);
    if (!check) {
      check = { ...(await vatStatusOf(vatId, deps.vat)), at: deps.clock.now().toISOString() };
      checks.set(vatId, check);
    }
    return {
      ...(b.settings ?? defaultBillingSettings(b.orgId)),
      vatId,
      vatStatus: check.status,
      vatCheckedAt: check.at,
      ...(check.name ? { vatName: check.name } : {}),
      updatedAt: deps.clock.now().toISOString(),
      updatedBy: auth.userId,
    };
  });
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
