import type { Kysely, Migration } from 'kysely';

/**
 * Recurring processing (SPEC §5, issue 13): each generated invoice names its schedule period, and
 * a unique (schedule, period) index makes every period generate at most one invoice, whatever
 * runs race; schedules gain an optional end date and a `completed` state; one lease row lets one
 * run at a time across instances and the CLI; each run is recorded for the status route.
 * Portable types only, like 001 and 003.
 */
export const recurringDataMigration = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.alterTable('invoices').addColumn('recurring_period', 'varchar(10)').execute();
    // NULLs are distinct on both dialects: invoices that no schedule generated never collide.
    await db.schema
      .createIndex('invoices_schedule_period_uq')
      .on('invoices')
      .columns(['recurring_schedule_id', 'recurring_period'])
      .unique()
      .execute();
    await db.schema.alterTable('recurring_schedules').addColumn('end_date', 'varchar(10)').execute();
    await db.schema.alterTable('recurring_schedules').addColumn('completed_at', 'varchar(32)').execute();
    // Exports page through each organization's records by (created_at, id).
    await db.schema.createIndex('clients_org_created_idx').on('clients').columns(['organization_id', 'created_at', 'id']).execute();

    await db.schema
      .createTable('recurring_leases')
      .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('owner', 'varchar(64)')
      .addColumn('expires_at', 'varchar(32)')
      .execute();
    await db.insertInto('recurring_leases').values({ name: 'recurring', owner: null, expires_at: null }).execute();

    await db.schema
      .createTable('recurring_runs')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('trigger', 'varchar(16)', (c) => c.notNull())
      .addColumn('instance', 'varchar(64)', (c) => c.notNull())
      .addColumn('started_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('finished_at', 'varchar(32)')
      .addColumn('generated', 'integer', (c) => c.notNull())
      .addColumn('completed', 'integer', (c) => c.notNull())
      .addColumn('errors', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('recurring_runs_started_idx').on('recurring_runs').columns(['started_at']).execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('recurring_runs').execute();
    await db.schema.dropTable('recurring_leases').execute();
    await db.schema.dropIndex('clients_org_created_idx').execute();
    await db.schema.dropIndex('invoices_schedule_period_uq').execute();
    await db.schema.alterTable('recurring_schedules').dropColumn('completed_at').execute();
    await db.schema.alterTable('recurring_schedules').dropColumn('end_date').execute();
    await db.schema.alterTable('invoices').dropColumn('recurring_period').execute();
  },
});
