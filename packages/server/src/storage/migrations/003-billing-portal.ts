import type { Kysely, Migration } from 'kysely';

/**
 * Billing resources (clients, invoices, recurring schedules) and the customer portal
 * (magic links, portal sessions). Portable types only, like 001: ISO strings, 0/1, JSON text.
 */
export const billingPortalMigration = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('clients')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('external_id', 'varchar(100)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // NULL external ids are distinct on both dialects, so clients without one never collide.
    await db.schema.createIndex('clients_org_external_uq').on('clients').columns(['organization_id', 'external_id']).unique().execute();
    await db.schema.createIndex('clients_org_email_idx').on('clients').columns(['organization_id', 'email']).execute();

    await db.schema
      .createTable('invoice_counters')
      .addColumn('organization_id', 'varchar(64)', (c) => c.primaryKey().references('organizations.id'))
      .addColumn('last_number', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('recurring_schedules')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('clients.id'))
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('interval', 'varchar(16)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('start_date', 'varchar(10)', (c) => c.notNull())
      .addColumn('next_run_date', 'varchar(10)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('cancelled_at', 'varchar(32)')
      .execute();
    await db.schema
      .createIndex('recurring_org_client_idx')
      .on('recurring_schedules')
      .columns(['organization_id', 'client_id', 'status'])
      .execute();
    await db.schema.createIndex('recurring_next_run_idx').on('recurring_schedules').columns(['status', 'next_run_date']).execute();

    await db.schema
      .createTable('invoices')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('clients.id'))
      .addColumn('number', 'varchar(32)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('lines', 'text', (c) => c.notNull())
      .addColumn('total_amount', 'bigint', (c) => c.notNull())
      .addColumn('due_date', 'varchar(10)')
      .addColumn('recurring_schedule_id', 'varchar(64)', (c) => c.references('recurring_schedules.id'))
      .addColumn('issued_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invoices_org_number_uq').on('invoices').columns(['organization_id', 'number']).unique().execute();
    await db.schema.createIndex('invoices_org_client_idx').on('invoices').columns(['organization_id', 'client_id', 'status']).execute();
    await db.schema.createIndex('invoices_org_created_idx').on('invoices').columns(['organization_id', 'created_at']).execute();

    await db.schema
      .createTable('magic_links')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('consumed_at', 'varchar(32)')
      .addColumn('created_by_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_by_id', 'varchar(64)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('portal_sessions')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('magic_link_id', 'varchar(64)', (c) => c.notNull().references('magic_links.id'))
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('revoked_at', 'varchar(32)')
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['portal_sessions', 'magic_links', 'invoices', 'recurring_schedules', 'invoice_counters', 'clients']) {
      await db.schema.dropTable(t).execute();
    }
  },
});
