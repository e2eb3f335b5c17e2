/**
 * Review deadlines. "Business days" skip Saturdays and Sundays in UTC; public holidays are not modelled (a
 * review submitted before a holiday is due a day "early", which only makes the reminder come sooner).
 */
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** ON-4/ON-6: reviewers are reminded, and the applicant is told to expect an answer, after 2 business days. */
export const REVIEW_BUSINESS_DAYS = 2;
/** A review nobody decides expires after 14 calendar days; the applicant is told and may submit again. */
export const REVIEW_EXPIRY_DAYS = 14;

const isWeekend = (t: number) => {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
};

/**
 * `from` plus `days` business days: business time only elapses on weekdays (UTC), so Friday 10:00 + 2 is
 * Tuesday 10:00, and a submission on a weekend counts from Monday 00:00 (Saturday 10:00 + 2 is Wednesday
 * 00:00).
 */
export function addBusinessDays(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`business days must be a non-negative integer, got ${days}`);
  let t = from.getTime();
  let remaining = days * DAY_MS;
  while (remaining > 0 || isWeekend(t)) {
    const startOfNextDay = Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;
    if (isWeekend(t)) {
      t = startOfNextDay;
      continue;
    }
    const step = Math.min(remaining, startOfNextDay - t);
    t += step;
    remaining -= step;
    if (remaining === 0) break;
  }
  return new Date(t);
}

/** When reviewers get their reminder and the applicant's answer is expected, and when the review expires. */
export function reviewDeadlines(submittedAt: Date): { dueBy: Date; expiresAt: Date } {
  return {
    dueBy: addBusinessDays(submittedAt, REVIEW_BUSINESS_DAYS),
    expiresAt: new Date(submittedAt.getTime() + REVIEW_EXPIRY_DAYS * DAY_MS),
  };
}

/**
 * Whole seconds from `now` until `at`, at least 1: a Task state's TimeoutSecondsPath must be a positive
 * integer, and a deadline already passed (an execution that started late) fires at once.
 */
export function secondsUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
}

/** Age in hours, one decimal (the staff queue shows it). */
export function ageHours(since: Date, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - since.getTime()) / (HOUR_MS / 10)) / 10);
}
