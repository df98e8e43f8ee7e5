import { KEY_USAGE_HOURS, type ApiKeyUsage } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/** The `api_key_usage` table (migration 004-key-usage). */
export interface KeyUsageTable {
  key_id: string;
  /** ISO 8601 start of the UTC hour. */
  hour: string;
  accepted: number;
  refused: number;
}

/** Counts of one key in one hour, as the recorder batches them. */
export interface KeyUsageCount {
  keyId: string;
  hour: string;
  accepted: number;
  refused: number;
}

const HOUR_MS = 3_600_000;
/** Rows older than this are deleted on flush: one day more than the 7 days shown. */
const KEEP_MS = 8 * 24 * HOUR_MS;

/** The ISO start of the UTC hour that contains `at`. */
export function hourOf(at: Date): string {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();
}

/**
 * Adds a batch of counts (one upsert per key and hour, in one transaction: counts from
 * several instances add up) and deletes rows older than 8 days.
 */
export async function addKeyUsage(database: Kysely<Database>, counts: Iterable<KeyUsageCount>, now: Date): Promise<void> {
  const rows = [...counts];
  if (rows.length === 0) return;
  const db = database.withTables<{ api_key_usage: KeyUsageTable }>();
  await db.transaction().execute(async (trx) => {
    for (const r of rows) {
      await trx
        .insertInto('api_key_usage')
        .values({ key_id: r.keyId, hour: r.hour, accepted: r.accepted, refused: r.refused })
        .onConflict((oc) =>
          oc.columns(['key_id', 'hour']).doUpdateSet((eb) => ({
            accepted: eb('api_key_usage.accepted', '+', eb.ref('excluded.accepted')),
            refused: eb('api_key_usage.refused', '+', eb.ref('excluded.refused')),
          })),
        )
        .execute();
    }
    await trx
      .deleteFrom('api_key_usage')
      .where('hour', '<', hourOf(new Date(now.getTime() - KEEP_MS)))
      .execute();
  });
}

/** A key's usage over the 168 hours up to and including the current one, oldest first. */
export async function readKeyUsage(database: Kysely<Database>, keyId: string, now: Date): Promise<ApiKeyUsage> {
  const db = database.withTables<{ api_key_usage: KeyUsageTable }>();
  const last = new Date(hourOf(now)).getTime();
  const first = last - (KEY_USAGE_HOURS - 1) * HOUR_MS;
  const rows = await db
    .selectFrom('api_key_usage')
    .select(['hour', 'accepted', 'refused'])
    .where('key_id', '=', keyId)
    .where('hour', '>=', new Date(first).toISOString())
    .execute();
  const byHour = new Map(rows.map((r) => [r.hour, r]));
  const hours: ApiKeyUsage['hours'] = [];
  const totals = { accepted: 0, refused: 0 };
  for (let t = first; t <= last; t += HOUR_MS) {
    const hour = new Date(t).toISOString();
    const row = byHour.get(hour);
    const accepted = Number(row?.accepted ?? 0);
    const refused = Number(row?.refused ?? 0);
    totals.accepted += accepted;
    totals.refused += refused;
    hours.push({ hour, accepted, refused });
  }
  return { keyId, from: new Date(first).toISOString(), to: new Date(last + HOUR_MS).toISOString(), totals, hours };
}
