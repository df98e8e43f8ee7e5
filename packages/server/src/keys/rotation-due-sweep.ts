import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { rowToKeyRecord } from './key-record.js';
import type { RotationDueNotifier } from './rotation-notifier.js';
import { type KeyAgePolicy, rotationDueAt } from './rotation-policy.js';

const DAY_MS = 86_400_000;

/**
 * Records `api_key.rotation_due` for every active, unexpired key whose secret is due, used or
 * not (a key nobody calls would otherwise never be reported). Safe to run on every instance at
 * once: the notifier claims each event with one conditional update. Returns how many due keys
 * were looked at. `now` is the services' clock.
 */
export async function sweepRotationDue(
  db: Kysely<Database>,
  notifier: RotationDueNotifier,
  policy: KeyAgePolicy,
  now: Date,
): Promise<number> {
  if (policy.maxKeyAgeDays === null) return 0;
  const cutoff = new Date(now.getTime() - policy.maxKeyAgeDays * DAY_MS).toISOString();
  const at = now.toISOString();
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('status', '=', 'active')
    .where((eb) => eb(eb.fn.coalesce('last_rotated_at', 'created_at'), '<=', cutoff))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .execute();
  for (const row of rows) {
    const key = rowToKeyRecord(row);
    const dueAt = rotationDueAt(key, policy);
    if (dueAt) await notifier.notify(key, dueAt, null);
  }
  return rows.length;
}
