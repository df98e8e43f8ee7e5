import type { Actor, ApiKey, Scope } from '@payment-gateway/contract';
import type { ApiKeysTable } from '../storage/schema.js';

/** A key as the server holds it in memory (the cache) and in services; never the secret itself. */
export interface KeyRecord {
  id: string;
  tier: 'organization' | 'system';
  organizationId: string | null;
  name: string;
  description: string | null;
  scopes: Scope[];
  status: 'active' | 'revoked';
  ipAllowlist: string[] | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: Actor;
  updatedAt: string;
  lastUsedAt: string | null;
  lastRotatedAt: string | null;
  secretHash: string;
  secretPrefix: string;
  pepperVersion: number;
  previousSecretHash: string | null;
  previousPepperVersion: number | null;
  previousSecretExpiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  /** When the `api_key.rotation_due` event was written; for the current secret only if not before its issue (keys/rotation-policy.ts). */
  rotationDueNotifiedAt: string | null;
  version: number;
}

export function rowToKeyRecord(row: ApiKeysTable): KeyRecord {
  return {
    id: row.id,
    tier: row.tier,
    organizationId: row.organization_id,
    name: row.name,
    description: row.description,
    scopes: JSON.parse(row.scopes) as Scope[],
    status: row.status,
    ipAllowlist: row.ip_allowlist ? (JSON.parse(row.ip_allowlist) as string[]) : null,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    createdBy: { type: row.created_by_type as Actor['type'], id: row.created_by_id },
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    lastRotatedAt: row.last_rotated_at,
    secretHash: row.secret_hash,
    secretPrefix: row.secret_prefix,
    pepperVersion: row.pepper_version,
    previousSecretHash: row.previous_secret_hash,
    previousPepperVersion: row.previous_pepper_version,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
    rotationDueNotifiedAt: row.rotation_due_notified_at ?? null,
    version: row.version,
  };
}

export function keyRecordToRow(k: KeyRecord): ApiKeysTable {
  return {
    id: k.id,
    tier: k.tier,
    organization_id: k.organizationId,
    name: k.name,
    description: k.description,
    scopes: JSON.stringify(k.scopes),
    status: k.status,
    ip_allowlist: k.ipAllowlist ? JSON.stringify(k.ipAllowlist) : null,
    expires_at: k.expiresAt,
    created_at: k.createdAt,
    created_by_type: k.createdBy.type,
    created_by_id: k.createdBy.id,
    updated_at: k.updatedAt,
    last_used_at: k.lastUsedAt,
    last_rotated_at: k.lastRotatedAt,
    secret_hash: k.secretHash,
    secret_prefix: k.secretPrefix,
    pepper_version: k.pepperVersion,
    previous_secret_hash: k.previousSecretHash,
    previous_pepper_version: k.previousPepperVersion,
    previous_secret_expires_at: k.previousSecretExpiresAt,
    revoked_at: k.revokedAt,
    revoked_reason: k.revokedReason,
    rotation_due_notified_at: k.rotationDueNotifiedAt,
    version: k.version,
  };
}

/**
 * The public view (SPEC §1.3): metadata and a prefix hint, never a secret or a hash.
 * `rotationDueAt` comes from the key policy (keys/rotation-policy.ts `rotationDueAt`); null when none applies.
 */
export function toApiKey(k: KeyRecord, rotationDueAt: string | null = null): ApiKey {
  return {
    id: k.id,
    tier: k.tier,
    organizationId: k.organizationId,
    name: k.name,
    description: k.description,
    prefix: k.secretPrefix,
    scopes: k.scopes,
    status: k.status,
    ipAllowlist: k.ipAllowlist,
    expiresAt: k.expiresAt,
    createdAt: k.createdAt,
    createdBy: k.createdBy,
    updatedAt: k.updatedAt,
    lastUsedAt: k.lastUsedAt,
    lastRotatedAt: k.lastRotatedAt,
    previousSecretExpiresAt: k.previousSecretExpiresAt,
    rotationDueAt,
    revokedAt: k.revokedAt,
    revokedReason: k.revokedReason,
  };
}
