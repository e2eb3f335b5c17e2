/**
 * BI-3: the portal stores provider tokens only. Anything in a billing request that looks like a card
 * number (13-19 digits, optionally grouped by spaces or dashes, passing the Luhn check) is refused before
 * validation, so it is never stored, echoed or logged.
 */

const CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** True when any string (or number) anywhere in `value` contains a Luhn-valid 13-19 digit sequence. */
export function containsCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 20) return false;
  if (typeof value === 'number') return containsCardNumber(String(value), depth + 1);
  if (typeof value === 'string') {
    for (const m of value.matchAll(CANDIDATE)) {
      const digits = m[0].replace(/[ -]/g, '');
      if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
    }
    return false;
  }
  if (Array.isArray(value)) return value.some((v) => containsCardNumber(v, depth + 1));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => containsCardNumber(k, depth + 1) || containsCardNumber(v, depth + 1));
  return false;
}
