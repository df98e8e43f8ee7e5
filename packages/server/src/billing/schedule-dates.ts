import type { RecurringSchedule } from '@payment-gateway/contract';

export type Interval = RecurringSchedule['interval'];

const MONTHS: Record<Exclude<Interval, 'weekly'>, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** The UTC calendar date (YYYY-MM-DD) of an instant. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The k-th run date of a schedule anchored on `start`. Month-based intervals keep the
 * anchor's day and clamp to the month's end (Jan 31 → Feb 28/29 → Mar 31), so runs never drift.
 */
export function runDate(start: string, interval: Interval, k: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  if (interval === 'weekly') return utcDate(new Date(Date.UTC(y, m - 1, d + 7 * k)));
  const months = m - 1 + MONTHS[interval] * k;
  const year = y + Math.floor(months / 12);
  const month = months % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return utcDate(new Date(Date.UTC(year, month, Math.min(d, lastDay))));
}

/** The first run date on the schedule's grid that is on or after `today` (both YYYY-MM-DD). */
export function nextRunOnOrAfter(start: string, interval: Interval, today: string): string {
  if (start >= today) return start;
  const days = (Date.parse(today) - Date.parse(start)) / 86_400_000;
  // Underestimate k (31-day months) so the loop only ever steps forward, a few times at most.
  const perRun = interval === 'weekly' ? 7 : MONTHS[interval] * 31;
  let k = Math.max(0, Math.floor(days / perRun) - 1);
  while (runDate(start, interval, k) < today) k += 1;
  return runDate(start, interval, k);
}
