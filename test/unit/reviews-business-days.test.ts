import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessDays, ageHours, reviewDeadlines, secondsUntil } from '#shared/domain/reviews/business-days.ts';

const at = (iso: string) => new Date(iso);
const DAY = 24 * 3600_000;

/** Milliseconds of [from, to) that fall on a weekday (UTC): the oracle for business time. */
function weekdayMs(from: Date, to: Date): number {
  let total = 0;
  for (let t = from.getTime(); t < to.getTime(); ) {
    const next = Math.min(to.getTime(), Math.floor(t / DAY) * DAY + DAY);
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) total += next - t;
    t = next;
  }
  return total;
}

describe('business days (2 business days = weekends skipped, UTC, holidays not modelled)', () => {
  it.each([
    ['a Monday morning is due on Wednesday at the same time', '2026-03-02T10:00:00.000Z', '2026-03-04T10:00:00.000Z'],
    ['a Thursday afternoon is due on Monday at the same time', '2026-03-05T15:30:00.000Z', '2026-03-09T15:30:00.000Z'],
    ['a Friday morning is due on Tuesday at the same time', '2026-03-06T10:00:00.000Z', '2026-03-10T10:00:00.000Z'],
    ['a Saturday counts from Monday 00:00', '2026-03-07T10:00:00.000Z', '2026-03-11T00:00:00.000Z'],
    ['a Sunday night counts from Monday 00:00', '2026-03-08T23:59:00.000Z', '2026-03-11T00:00:00.000Z'],
  ])('%s', (_name, from, due) => {
    expect(addBusinessDays(at(from), 2).toISOString()).toBe(due);
  });

  it('adds nothing on a weekday and moves a weekend to Monday 00:00 for zero days', () => {
    expect(addBusinessDays(at('2026-03-03T08:00:00.000Z'), 0).toISOString()).toBe('2026-03-03T08:00:00.000Z');
    expect(addBusinessDays(at('2026-03-07T08:00:00.000Z'), 0).toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => addBusinessDays(at('2026-03-03T08:00:00.000Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessDays(at('2026-03-03T08:00:00.000Z'), 1.5)).toThrow(RangeError);
  });

  it('always ends exactly N x 24 weekday hours later, at least N days later, and never inside a weekend', () => {
    fc.assert(
      fc.property(fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2035-12-31T00:00:00Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 10 }), (from, days) => {
        const due = addBusinessDays(from, days);
        expect(weekdayMs(from, due)).toBe(days * DAY);
        expect(due.getTime() - from.getTime()).toBeGreaterThanOrEqual(days * DAY);
        const d = due.getUTCDay();
        const midnight = due.getTime() % DAY === 0;
        // Saturday 00:00 is the instant Friday ends; otherwise the deadline is on a weekday.
        expect(d === 0 || (d === 6 && !midnight)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('expires a review 14 calendar days after submission and reminds after 2 business days', () => {
    const d = reviewDeadlines(at('2026-03-06T10:00:00.000Z'));
    expect(d.dueBy.toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(d.expiresAt.toISOString()).toBe('2026-03-20T10:00:00.000Z');
  });

  it('gives a wait at least one whole second, rounding up, even for a deadline already passed', () => {
    const now = at('2026-03-06T10:00:00.000Z');
    expect(secondsUntil(at('2026-03-06T10:00:10.200Z'), now)).toBe(11);
    expect(secondsUntil(at('2026-03-06T09:00:00.000Z'), now)).toBe(1);
  });

  it('states an age in hours with one decimal, never negative', () => {
    expect(ageHours(at('2026-03-06T10:00:00.000Z'), at('2026-03-07T12:30:00.000Z'))).toBe(26.5);
    expect(ageHours(at('2026-03-06T10:00:00.000Z'), at('2026-03-06T09:00:00.000Z'))).toBe(0);
  });
});
