import {
  austria, belgium, bulgaria, checkVAT, croatia, cyprus, czechRepublic, denmark, estonia, finland, france, germany, greece, hungary, ireland, italy,
  latvia, lithuania, luxembourg, malta, netherlands, poland, portugal, romania, slovakiaRepublic, slovenia, spain, sweden,
} from 'jsvat';
import type { Clock } from '#shared/lib/ids.ts';
import { PreconditionError, ValidationError } from '../errors.ts';
import type { BillingSettings, VatStatus } from './model.ts';
import { isEuCountry } from './money.ts';
import type { BillingBatchStore, VatRegistry } from './ports.ts';

/**
 * BI-4: EU VAT IDs. Offered only to orgs in an EU member state; format and check digits are validated at
 * once (jsvat, EU member states only); existence is asked of VIES through the VatRegistry port: verified /
 * invalid when it answers, `pending` when it is unreachable (re-checked before each invoice and by every
 * batch), `unchecked` where no VIES is configured (the local stack). Only a verified ID earns the reverse
 * charge.
 */

const EU = [austria, belgium, bulgaria, croatia, cyprus, czechRepublic, denmark, estonia, finland, france, germany, greece, hungary, ireland, italy, latvia, lithuania, luxembourg, malta, netherlands, poland, portugal, romania, slovakiaRepublic, slovenia, spain, sweden];

/** VAT IDs use EL for Greece; everything else uses the ISO code. */
const vatPrefixOf = (country: string) => (country.toUpperCase() === 'GR' ? 'EL' : country.toUpperCase());

/** `fr 40-303 265.045` -> `FR40303265045`. */
export const normalizeVatId = (raw: string) => raw.replace(/[\s.\-]/g, '').toUpperCase();

export function validateVatId(raw: string, orgCountry: string): string {
  if (!isEuCountry(orgCountry)) throw new PreconditionError('vat_id_not_offered', 'A VAT ID can only be recorded for an organization in an EU member state.', 'body.vatId');
  let id = normalizeVatId(raw);
  const prefix = vatPrefixOf(orgCountry);
  if (/^\d/.test(id)) id = prefix + id;
  if (!id.startsWith(prefix)) throw new ValidationError('vat_id_country_mismatch', `This VAT ID is not from your organization's country (${prefix}).`, 'body.vatId');
  const r = checkVAT(id, EU);
  if (!r.isValidFormat) throw new ValidationError('invalid_vat_id_format', 'This is not a VAT ID of that country (format).', 'body.vatId');
  if (!r.isValid) throw new ValidationError('invalid_vat_id_checksum', 'This VAT ID has wrong check digits.', 'body.vatId');
  return id;
}

export async function vatStatusOf(vatId: string, vat: VatRegistry): Promise<{ status: VatStatus; name?: string | undefined }> {
  let out: Awaited<ReturnType<VatRegistry['check']>>;
  try {
    out = await vat.check(vatId);
  } catch {
    out = { result: 'unavailable' };
  }
  if (out.result === 'valid') return { status: 'verified', name: out.name };
  if (out.result === 'invalid') return { status: 'invalid' };
  if (out.result === 'unavailable') return { status: 'pending' };
  return { status: 'unchecked' };
}

/**
 * Re-checks the org's VAT ID with VIES (before invoicing) and stores a changed status. Undefined when the stored
 * settings no longer hold this VAT ID (an admin changed it meanwhile): nothing is stored, the caller re-reads.
 */
export async function recheckVat(
  settings: BillingSettings,
  deps: { vat: VatRegistry; clock: Clock; store: Pick<BillingBatchStore, 'recordVatCheck'> },
): Promise<BillingSettings | undefined> {
  if (!settings.vatId) return settings;
  const { status, name } = await vatStatusOf(settings.vatId, deps.vat);
  // VIES down: a previous verification stays valid for this invoice; a new ID stays pending.
  const next: VatStatus = status === 'pending' && settings.vatStatus === 'verified' ? 'verified' : status;
  const check = { vatStatus: next, vatCheckedAt: deps.clock.now().toISOString(), ...(name ? { vatName: name } : {}) };
  // Only the VAT fields, and only while the settings still hold this ID: an admin's change meanwhile stays.
  if ((next !== settings.vatStatus || status !== 'pending') && !(await deps.store.recordVatCheck(settings.orgId, settings.vatId, check))) return undefined;
  return { ...settings, ...check };
}
