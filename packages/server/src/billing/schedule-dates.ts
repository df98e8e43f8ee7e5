import type { RecurringSchedule } from '@payment-gateway/contract';

export type Interval = RecurringSchedule['interval'];

const MONTHS: Record<Exclude<Interval, 'weekly'>, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/**
 * The last calendar date a schedule can run on. Beyond it `toISOString()` writes a six-digit
 * year (`+010000-01-31`), which is not a YYYY-MM-DD date: such a run does not exist, and a
 * schedule whose next run would fall there completes instead of storing a malformed date.
 */
export const LAST_DATE = '9999-12-31';

/** The UTC calendar date (YYYY-MM-DD) of an instant. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The UTC date of an instant, or null when it is outside years 0000–9999 (no YYYY-MM-DD form). */
function calendarDate(at: Date): string | null {
  const iso = at.toISOString();
  return /^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso.slice(0, 10) : null;
}

/**
 * The k-th run date of a schedule anchored on `start`. Month-based intervals keep the
 * anchor's day and clamp to the month's end (Jan 31 → Feb 28/29 → Mar 31), so runs never drift.
 */
export function runDate(start: string, interval: Interval, k: number): string {
  const date = runDateOrNull(start, interval, k);
  if (date === null) throw new RangeError(`run ${k} of a schedule from ${start} is after ${LAST_DATE}`);
  return date;
}

/** Like runDate, but null when the run would fall after LAST_DATE. */
export function runDateOrNull(start: string, interval: Interval, k: number): string | null {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  if (interval === 'weekly') return calendarDate(new Date(Date.UTC(y, m - 1, d + 7 * k)));
  const months = m - 1 + MONTHS[interval] * k;
  const year = y + Math.floor(months / 12);
  const month = months % 12;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const first = new Date(Date.UTC(2000, month + 1, 0));
  first.setUTCFullYear(year, month + 1, 0);
  const lastDay = first.getUTCDate();
  const at = new Date(Date.UTC(2000, month, 1));
  at.setUTCFullYear(year, month, Math.min(d, lastDay));
  return calendarDate(at);
}

/**
 * The first run date on the schedule's grid that is on or after `today` (both YYYY-MM-DD), or
 * null when there is none up to LAST_DATE.
 */
export function nextRunOnOrAfter(start: string, interval: Interval, today: string): string | null {
  if (start >= today) return start;
  const days = (Date.parse(today) - Date.parse(start)) / 86_400_000;
  // Underestimate k (31-day months) so the loop only ever steps forward, a few times at most.
  const perRun = interval === 'weekly' ? 7 : MONTHS[interval] * 31;
  let k = Math.max(0, Math.floor(days / perRun) - 1);
  for (;;) {
    const date = runDateOrNull(start, interval, k);
    if (date === null || date >= today) return date;
    k += 1;
  }
}

/** The run date after `period` on the schedule's grid, or null when it would fall after LAST_DATE. */
export function nextRunAfter(start: string, interval: Interval, period: string): string | null {
  if (period >= LAST_DATE) return null;
  const next = new Date(Date.parse(`${period}T00:00:00.000Z`) + 86_400_000);
  const dayAfter = calendarDate(next);
  return dayAfter === null ? null : nextRunOnOrAfter(start, interval, dayAfter);
}
