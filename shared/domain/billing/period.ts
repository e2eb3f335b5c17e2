import { ValidationError } from '../errors.ts';

/**
 * Billing periods in the vendor's time zone (stage config, e.g. Europe/Dublin): a day for the daily
 * per-order run, a quarter for quarterly orgs. Bounds are UTC instants of local midnights, `end` exclusive.
 */

export type BatchTarget = { kind: 'date'; date: string } | { kind: 'period'; period: string };

export interface Period {
  /** `2026-07-02` or `2026-Q3`. */
  label: string;
  mode: 'per_order' | 'quarterly';
  start: string;
  end: string;
}

/** Milliseconds to add to UTC to get the wall-clock time in `timeZone` at `instant`. */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The UTC instant of local midnight starting `y-m-d` in `timeZone`. */
export function localMidnight(y: number, m: number, d: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - zoneOffsetMs(new Date(guess), timeZone);
  t = guess - zoneOffsetMs(new Date(t), timeZone); // second pass across a DST change
  return new Date(t);
}

/** The local calendar date of an instant in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 10);
}

export function parseTarget(input: { date?: string | undefined; period?: string | undefined }): BatchTarget {
  if ((input.date === undefined) === (input.period === undefined)) throw new ValidationError('invalid_batch_target', 'Give exactly one of --date YYYY-MM-DD or --period YYYY-Qn.');
  if (input.date !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`)) || new Date(`${input.date}T00:00:00Z`).toISOString().slice(0, 10) !== input.date) {
      throw new ValidationError('invalid_date', `Not a date: ${input.date}`);
    }
    return { kind: 'date', date: input.date };
  }
  const p = input.period as string;
  if (!/^\d{4}-Q[1-4]$/.test(p)) throw new ValidationError('invalid_period', `Not a quarter: ${p} (e.g. 2026-Q3)`);
  return { kind: 'period', period: p };
}

export function periodOf(target: BatchTarget, timeZone: string): Period {
  if (target.kind === 'date') {
    const [y, m, d] = target.date.split('-').map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    return {
      label: target.date,
      mode: 'per_order',
      start: localMidnight(y, m, d, timeZone).toISOString(),
      end: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone).toISOString(),
    };
  }
  const y = Number(target.period.slice(0, 4));
  const q = Number(target.period.slice(6));
  const firstMonth = (q - 1) * 3 + 1;
  const endYear = q === 4 ? y + 1 : y;
  const endMonth = q === 4 ? 1 : firstMonth + 3;
  return { label: target.period, mode: 'quarterly', start: localMidnight(y, firstMonth, 1, timeZone).toISOString(), end: localMidnight(endYear, endMonth, 1, timeZone).toISOString() };
}

/**
 * What a scheduled run covers, from its scheduled time: the daily run invoices the previous local day's
 * orders, the quarterly run (first day of a quarter) the previous quarter.
 */
export function scheduledTarget(kind: 'per_order' | 'quarterly', at: Date, timeZone: string): BatchTarget {
  const today = localDate(at, timeZone);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  if (kind === 'per_order') return { kind: 'date', date: new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10) };
  const q = Math.floor((m - 1) / 3) + 1;
  return q === 1 ? { kind: 'period', period: `${y - 1}-Q4` } : { kind: 'period', period: `${y}-Q${q - 1}` };
}
