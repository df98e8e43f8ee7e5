/**
 * A filter bound (`from`/`to`, an ISO 8601 UTC timestamp as the contract's `Timestamp` accepts
 * it: with or without fractional seconds, any number of digits) in the form timestamps are stored
 * in (`Date.toISOString()`: always milliseconds), so comparing it with a stored `created_at` as
 * text is comparing instants. Without this, `…T09:00:00Z` sorts after `…T09:00:00.500Z`.
 * Rounded up to the millisecond: stored times have no finer digits, so `created_at >= from` and
 * `created_at < to` keep their meaning for a bound between two milliseconds.
 */
export function storedInstant(timestamp: string): string {
  const ms = Date.parse(timestamp);
  const finer = /\.\d{3}(\d*)Z$/i.exec(timestamp)?.[1] ?? '';
  return new Date(/[1-9]/.test(finer) ? ms + 1 : ms).toISOString();
}
