import type { SystemSettings } from '@payment-gateway/contract';
import type { KeyRecord } from './key-record.js';

/** The key-age part of the system key policy (issue 17): days, and whether to enforce. */
export type KeyAgePolicy = Pick<SystemSettings['keyPolicy'], 'maxKeyAgeDays' | 'enforceMaxKeyAge' | 'rotationGraceDays'>;

const DAY_MS = 86_400_000;

/** Where a key's current secret stands against the key-age policy. Timestamps are ISO 8601. */
export interface KeyRotationStatus {
  /** When the secret falls (or fell) due: its issue plus `maxKeyAgeDays`. */
  dueAt: string;
  /** `now` is at or past `dueAt`: reported in the header, the SDK warning and the audit log. */
  due: boolean;
  /** With `enforceMaxKeyAge`: `dueAt` plus `rotationGraceDays`, from when the key is refused; else null. */
  refusedFrom: string | null;
  /** `now` is at or past `refusedFrom`: the key answers 401 API_KEY_ROTATION_REQUIRED. */
  refused: boolean;
}

/**
 * When the key's current secret was issued: its last rotation, else its creation. Both are
 * stored on every key, so the age needs no column of its own (and cached records carry it).
 */
export function secretIssuedAt(key: Pick<KeyRecord, 'createdAt' | 'lastRotatedAt'>): string {
  return key.lastRotatedAt ?? key.createdAt;
}

/**
 * When the key's current secret falls due for rotation, or null when the policy sets no maximum
 * age or the key is revoked (nothing to rotate). Pure: computed at each check from the record's
 * timestamps and the current settings, so neither the key cache nor the settings cache can
 * hide a policy change.
 */
export function rotationDueAt(key: Pick<KeyRecord, 'createdAt' | 'lastRotatedAt' | 'status'>, policy: KeyAgePolicy): string | null {
  if (policy.maxKeyAgeDays === null || key.status === 'revoked') return null;
  return new Date(Date.parse(secretIssuedAt(key)) + policy.maxKeyAgeDays * DAY_MS).toISOString();
}

/** The key's standing at `now` (the services' injectable clock), or null when no maximum age applies. */
export function keyRotationStatus(
  key: Pick<KeyRecord, 'createdAt' | 'lastRotatedAt' | 'status'>,
  policy: KeyAgePolicy,
  now: Date,
): KeyRotationStatus | null {
  const dueAt = rotationDueAt(key, policy);
  if (dueAt === null) return null;
  const due = now.getTime() >= Date.parse(dueAt);
  const refusedFrom = policy.enforceMaxKeyAge ? new Date(Date.parse(dueAt) + policy.rotationGraceDays * DAY_MS).toISOString() : null;
  return { dueAt, due, refusedFrom, refused: refusedFrom !== null && now.getTime() >= Date.parse(refusedFrom) };
}
