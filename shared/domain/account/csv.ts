/**
 * CSV (RFC 4180) for reports opened in spreadsheets. Every text cell is quoted when it needs to be, and a
 * text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so that a
 * spreadsheet shows it as text instead of evaluating it (CSV/formula injection, OWASP). Numbers and booleans
 * are written as such: they come from us, never from a user.
 */
export type Cell = string | number | boolean | undefined | null | { raw: string };

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: Cell): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // A value we formatted ourselves (an amount such as -12.50): never user input, never neutralised.
  if (typeof value === 'object') return /^-?\d+(\.\d+)?$/.test(value.raw) ? value.raw : csvCell(value.raw);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Minor units as a decimal amount (`123456`, 2 digits -> `1234.56`), exactly, without floating point. */
export function formatMinor(minor: number, digits = 2): string {
  const negative = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const out = digits > 0 ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return negative ? `-${out}` : out;
}
