import type { Kysely, Migration } from 'kysely';

/**
 * Key rotation policy (issue 17): `rotation_due_notified_at` records when the `api_key.rotation_due`
 * audit event was written for the key's current secret. A secret's age needs no new column: it
 * is `coalesce(last_rotated_at, created_at)`, both already stored for every key, so nothing is
 * backfilled. A mark older than that start belongs to an earlier secret, so a rotation needs no
 * reset; the mark is set by one conditional update, so several instances write the event once.
 */
export const keyRotationMigration = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('api_keys').addColumn('rotation_due_notified_at', 'varchar(32)').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('api_keys').dropColumn('rotation_due_notified_at').execute();
  },
});
