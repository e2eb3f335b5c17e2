import type { VatLine, VatTreatment } from './model.ts';

/**
 * VAT arithmetic on integer minor units. VAT is computed once per rate on the sum of the net amounts at
 * that rate (not per line), rounded half away from zero to the minor unit, as EU invoicing rules allow and
 * as a reader re-computing the invoice expects.
 */

/** Standard VAT rates of the EU member states (basis points), 2026. */
export const EU_VAT_RATES_BP: Readonly<Record<string, number>> = {
  AT: 2000, BE: 2100, BG: 2000, CY: 1900, CZ: 2100, DE: 1900, DK: 2500, EE: 2400, ES: 2100, FI: 2550, FR: 2000, GR: 2400, HR: 2500, HU: 2700,
  IE: 2300, IT: 2200, LT: 2100, LU: 1700, LV: 2100, MT: 1800, NL: 2100, PL: 2300, PT: 2300, RO: 2100, SE: 2500, SI: 2200, SK: 2300,
};

export const isEuCountry = (country: string) => country.toUpperCase() in EU_VAT_RATES_BP;

/** VAT of `netMinor` at `rateBp`, rounded half away from zero. Integers only. */
export function vatOf(netMinor: number, rateBp: number): number {
  if (!Number.isSafeInteger(netMinor) || !Number.isSafeInteger(rateBp)) throw new RangeError('amounts and rates are integers');
  const sign = netMinor < 0 ? -1 : 1;
  const scaled = Math.abs(netMinor) * rateBp; // cents * bp
  const q = Math.floor(scaled / 10_000);
  const r = scaled - q * 10_000;
  return sign * (r * 2 >= 10_000 ? q + 1 : q);
}

/**
 * How VAT applies between the seller and the buyer: domestic sales carry the seller's rate; an EU buyer in
 * another member state with a verified VAT ID is reverse-charged (0 %, with the note); an EU buyer without
 * one pays the seller's rate; buyers outside the EU are exports (0 %).
 */
export function vatTreatment(sellerCountry: string, buyer: { country: string; vatVerified: boolean }): VatTreatment {
  const s = sellerCountry.toUpperCase();
  const b = buyer.country.toUpperCase();
  if (b === s) return 'domestic';
  if (!isEuCountry(b)) return 'export';
  return buyer.vatVerified ? 'intra_eu_reverse_charge' : 'intra_eu_no_vat_id';
}

export function rateFor(treatment: VatTreatment, sellerCountry: string): number {
  if (treatment === 'intra_eu_reverse_charge' || treatment === 'export') return 0;
  const rate = EU_VAT_RATES_BP[sellerCountry.toUpperCase()];
  if (rate === undefined) throw new Error(`no VAT rate for seller country ${sellerCountry}`);
  return rate;
}

/** Subtotal, VAT per rate and total from the net amounts grouped by rate. */
export function totalsOf(netByRate: ReadonlyMap<number, number>): { vat: VatLine[]; subtotalMinor: number; vatMinor: number; totalMinor: number } {
  const vat = [...netByRate.entries()].sort(([a], [b]) => b - a).map(([rateBp, netMinor]) => ({ rateBp, netMinor, vatMinor: vatOf(netMinor, rateBp) }));
  const subtotalMinor = vat.reduce((s, v) => s + v.netMinor, 0);
  const vatMinor = vat.reduce((s, v) => s + v.vatMinor, 0);
  return { vat, subtotalMinor, vatMinor, totalMinor: subtotalMinor + vatMinor };
}

/** `123456` EUR -> "1 234,56 EUR" in French: the locale's digits and separators, the ISO code. */
export function formatMoney(amountMinor: number, currency: string, locale: string): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const value = amountMinor / 10 ** digits;
  return new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'code', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** `2300` -> "23 %", `2550` -> "25.5 %". */
export const formatRate = (rateBp: number) => `${rateBp / 100} %`;
