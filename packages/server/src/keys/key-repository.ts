import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';
import { keyRecordToRow, rowToKeyRecord, type KeyRecord } from './key-record.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface KeyListFilter {
  tier: 'organization' | 'system';
  organizationId?: string | undefined;
  status?: 'active' | 'revoked' | undefined;
  page: number;
  limit: number;
}

export async function findKey(db: Db, id: string): Promise<KeyRecord | null> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToKeyRecord(row) : null;
}

export async function insertKey(db: Db, key: KeyRecord): Promise<void> {
  await db.insertInto('api_keys').values(keyRecordToRow(key)).execute();
}

/**
 * Writes a changed key only if nobody changed it since it was read (optimistic locking on
 * `version`), so concurrent rotations and revocations cannot lose each other's writes.
 */
export async function updateKeyIfVersion(db: Db, key: KeyRecord, expectedVersion: number): Promise<boolean> {
  // The rotation-due mark is written only by its own conditional update (keys/rotation-notifier.ts):
  // a read-modify-write that read it before it was set must not clear it (a second audit event).
  const { id, rotation_due_notified_at: _notified, ...rest } = keyRecordToRow(key);
  const res = await db.updateTable('api_keys').set(rest).where('id', '=', id).where('version', '=', expectedVersion).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Revokes one key if it is still active, whatever its version: a revocation must never lose a
 * race against rotations or updates (a leaked key that may rotate itself could otherwise keep
 * its own revocation failing). Returns false when it was already revoked or does not exist.
 */
export async function revokeKey(db: Db, id: string, now: string, reason: string | null): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set(revokedColumns(now, reason))
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * The columns a revocation writes. The previous secret's hash is kept on purpose: a request
 * with a secret still in its grace period then proves itself and is answered API_KEY_REVOKED,
 * like the current secret, instead of a puzzling INVALID_CREDENTIALS.
 */
function revokedColumns(now: string, reason: string | null) {
  return (eb: ExpressionBuilder<Database, 'api_keys'>) => ({
    status: 'revoked' as const,
    revoked_at: now,
    revoked_reason: reason,
    updated_at: now,
    version: eb('version', '+', 1),
  });
}

export async function deleteKey(db: Db, id: string): Promise<boolean> {
  const res = await db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

export async function listKeys(db: Db, f: KeyListFilter): Promise<Page<KeyRecord>> {
  let q = db.selectFrom('api_keys').where('tier', '=', f.tier);
  if (f.organizationId) q = q.where('organization_id', '=', f.organizationId);
  if (f.status) q = q.where('status', '=', f.status);
  return paginate(q.selectAll().orderBy('created_at', 'desc').orderBy('id'), f, rowToKeyRecord);
}

/** Revokes every active key of an organization; returns their ids for the change feed. */
export async function revokeOrganizationKeys(db: Db, organizationId: string, now: string, reason: string): Promise<string[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'active')
    .execute();
  if (rows.length === 0) return [];
  await db
    .updateTable('api_keys')
    .set(revokedColumns(now, reason))
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => r.id);
}

/** Batch write of lastUsedAt; never moves it backwards. */
export async function touchLastUsed(db: Kysely<Database>, entries: ReadonlyMap<string, string>): Promise<void> {
  if (entries.size === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const [id, at] of entries) {
      await trx
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
        .execute();
    }
  });
}
