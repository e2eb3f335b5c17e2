/**
 * Delivery addresses are validated per country (SD-1: the device may go straight to the end user, so the
 * address must be deliverable as typed). Postal-code formats follow the national postal operators (UPU
 * addressing guides); countries without postal codes must not get one; every other country gets a generic
 * check. Matching is case-insensitive and tolerant of the optional space the formats allow.
 */
const FIVE = /^\d{5}$/;
const FOUR = /^\d{4}$/;
const THREE_TWO = /^\d{3} ?\d{2}$/;

const POSTAL_CODES: Readonly<Record<string, RegExp>> = {
  AT: FOUR,
  AU: FOUR,
  BE: FOUR,
  BG: FOUR,
  CA: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i,
  CH: /^[1-9]\d{3}$/,
  CZ: THREE_TWO,
  DE: FIVE,
  DK: FOUR,
  EE: FIVE,
  ES: /^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$/,
  FI: FIVE,
  FR: FIVE,
  GB: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i,
  GR: THREE_TWO,
  HR: FIVE,
  HU: FOUR,
  IE: /^(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$/i,
  IT: FIVE,
  JP: /^\d{3}-?\d{4}$/,
  LI: /^94\d{2}$/,
  LT: /^(?:LT-)?\d{5}$/i,
  LU: /^(?:L-)?\d{4}$/i,
  LV: /^(?:LV-)?\d{4}$/i,
  MC: /^980\d{2}$/,
  NL: /^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$/i,
  NO: FOUR,
  NZ: FOUR,
  PL: /^\d{2}-\d{3}$/,
  PT: /^\d{4}-\d{3}$/,
  RO: /^\d{6}$/,
  SE: THREE_TWO,
  SI: FOUR,
  SK: THREE_TWO,
  US: /^\d{5}(?:-\d{4})?$/,
};

/** Countries whose addresses carry no postal code. */
const NO_POSTAL_CODE = new Set(['AE', 'AG', 'AO', 'BS', 'BZ', 'HK', 'MO', 'QA']);

const GENERIC = /^[A-Z0-9][A-Z0-9 -]{1,9}$/i;

/** Why a postal code is not valid for a country, or undefined when it is. */
export function postalCodeProblem(country: string, postalCode: string | undefined): string | undefined {
  // Runs as a schema refinement, also on input whose fields already failed their own checks: assume no types.
  if (typeof country !== 'string' || (postalCode !== undefined && typeof postalCode !== 'string')) return undefined;
  const code = postalCode?.trim() ?? '';
  if (NO_POSTAL_CODE.has(country)) return code === '' ? undefined : `addresses in ${country} have no postal code`;
  if (code === '') return `a postal code is required for ${country}`;
  const rule = (Object.hasOwn(POSTAL_CODES, country) ? POSTAL_CODES[country] : undefined) ?? GENERIC;
  return rule.test(code) ? undefined : `not a valid postal code for ${country}`;
}

/** E.164: a plus sign, a country code and at most 15 digits in all (ITU-T E.164). */
export const E164 = /^\+[1-9]\d{6,14}$/;
