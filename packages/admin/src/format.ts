import type { ApiKey } from '@payment-gateway/contract';

/** `2026-11-29 14:05 UTC`, or a dash for null. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Keys unused for this long are stale (PCI-DSS 8.2.6: inactive credentials within 90 days). */
export const STALE_AFTER_MS = 90 * 24 * 60 * 60 * 1000;

/** An active key not used (or, never used, not created) in the last 90 days. */
export function isStale(key: Pick<ApiKey, 'status' | 'lastUsedAt' | 'createdAt'>, now = Date.now()): boolean {
  if (key.status !== 'active') return false;
  const last = Date.parse(key.lastUsedAt ?? key.createdAt);
  return now - last > STALE_AFTER_MS;
}
