import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/** Keys still hashed with a pepper older than the current one (GET /system/health, issue 17). */
export interface PepperUsage {
  /** Active, unexpired keys whose current secret is hashed with an older pepper version. */
  keysOnOlderPepper: number;
  /** Previous secrets still inside their rotation grace period, hashed with an older pepper version. */
  graceSecretsOnOlderPepper: number;
}

/**
 * Counts what still needs API_KEY_PEPPER_PREVIOUS. Secrets are never re-hashed on use (the
 * verifier never writes, and a rehash would need the plaintext secret on a write path), so only
 * a rotation moves a key to the current pepper. Revoked and expired keys are not counted: they
 * are refused whichever pepper proves them. `now` is ISO 8601.
 */
export async function countKeysOnOlderPepper(db: Kysely<Database>, currentVersion: number, now: string): Promise<PepperUsage> {
  const keys = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('status', '=', 'active')
    .where('pepper_version', '<', currentVersion)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow();
  const grace = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('status', '=', 'active')
    .where('previous_secret_hash', 'is not', null)
    .where('previous_pepper_version', '<', currentVersion)
    .where('previous_secret_expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return { keysOnOlderPepper: Number(keys.n), graceSecretsOnOlderPepper: Number(grace.n) };
}
