import type { Kysely, Migration } from 'kysely';

/**
 * Per-key request counts per UTC hour (accepted and refused), written in batches by the
 * lastUsedAt flush and kept for 8 days (issue 14, the Admin panel's key usage). `hour` is the
 * ISO 8601 start of the hour. No foreign key: counts of a deleted key age out with the rest.
 */
export const keyUsageMigration = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('api_key_usage')
      .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('hour', 'varchar(32)', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('refused', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('api_key_usage_pk', ['key_id', 'hour'])
      .execute();
    await db.schema.createIndex('api_key_usage_hour_idx').on('api_key_usage').columns(['hour']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('api_key_usage').execute();
  },
});
