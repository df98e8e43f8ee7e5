import type { KeyRecord } from '../src/keys/key-record.js';

/** A plausible key record for unit tests; override what the test is about. */
export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const at = '2030-01-01T00:00:00.000Z';
  return {
    id: 'k'.repeat(22),
    tier: 'organization',
    organizationId: 'org_aaaaaaaaaaaaaaaaaaaa',
    name: 'k',
    description: null,
    scopes: ['invoice:read'],
    status: 'active',
    ipAllowlist: null,
    expiresAt: null,
    createdAt: at,
    createdBy: { type: 'system', id: 'test' },
    updatedAt: at,
    lastUsedAt: null,
    lastRotatedAt: null,
    secretHash: '0'.repeat(64),
    secretPrefix: 'abcd',
    pepperVersion: 1,
    previousSecretHash: null,
    previousPepperVersion: null,
    previousSecretExpiresAt: null,
    revokedAt: null,
    revokedReason: null,
    rotationDueNotifiedAt: null,
    version: 1,
    ...overrides,
  };
}
