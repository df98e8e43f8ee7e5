import type { Kysely, Transaction } from 'kysely';
import type { ChangeEvent, ChangeFeed } from './change-feed.js';
import { isDatabaseUnavailable } from './database-unavailable.js';
import type { Database } from './schema.js';

/** Records a change to announce once the transaction commits. */
export type Announce = (event: ChangeEvent) => void;

/**
 * Runs `work` in one transaction and announces the changes it records (SPEC §7.2): the
 * announcement commits with the change (PostgreSQL NOTIFY is transactional), then this
 * instance's caches are evicted before the caller answers. A rolled-back change announces
 * nothing; when the connection breaks under the transaction its outcome is unknown, and this
 * instance evicts what the work recorded anyway.
 */
export async function commitWithChanges<T>(
  db: Kysely<Database>,
  feed: ChangeFeed,
  work: (trx: Transaction<Database>, announce: Announce) => Promise<T>,
): Promise<T> {
  const events: ChangeEvent[] = [];
  let result: T;
  try {
    result = await db.transaction().execute(async (trx) => {
      events.length = 0;
      const value = await work(trx, (e) => events.push(e));
      if (events.length > 0) await feed.announce(trx, events);
      return value;
    });
  } catch (err) {
    // A connection that broke during COMMIT (SPEC §7.4) leaves the outcome unknown: the change
    // may be in. Evicting is always safe, so this instance evicts as if it had committed (other
    // instances hear the NOTIFY only if it did). A change the work itself rolled back stays silent.
    if (isDatabaseUnavailable(err)) feed.dispatchLocal(events);
    throw err;
  }
  feed.dispatchLocal(events);
  return result;
}
