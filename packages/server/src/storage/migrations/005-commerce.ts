import type { Kysely, Migration } from 'kysely';

/**
 * Commerce (SPEC §5, §12): sites, checkouts, transactions, credit notes and the stored responses
 * of Idempotency-Key requests. Plain portable tables like 003 (ISO strings, JSON text, integer
 * minor units as bigint): no triggers, no dialect-specific types, so db:copy moves them as rows.
 */
export const commerceMigration = (): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('sites')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('url', 'varchar(2048)', (c) => c.notNull())
      .addColumn('default_currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('deleted_at', 'varchar(32)')
      .execute();
    await db.schema.createIndex('sites_org_idx').on('sites').columns(['organization_id', 'created_at']).execute();

    await db.schema
      .createTable('checkouts')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('site_id', 'varchar(64)', (c) => c.notNull().references('sites.id'))
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('email', 'varchar(254)', (c) => c.notNull())
      .addColumn('external_reference', 'varchar(200)')
      .addColumn('invoice_number', 'varchar(64)')
      .addColumn('client_id', 'varchar(64)', (c) => c.references('clients.id'))
      .addColumn('return_url', 'varchar(2048)')
      .addColumn('cancel_url', 'varchar(2048)')
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .addColumn('session_public_id', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('short_code', 'varchar(32)', (c) => c.notNull().unique())
      .addColumn('transaction_id', 'varchar(64)')
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('completed_at', 'varchar(32)')
      .addColumn('cancelled_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('checkouts_org_created_idx').on('checkouts').columns(['organization_id', 'created_at']).execute();

    await db.schema
      .createTable('transactions')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('status', 'varchar(24)', (c) => c.notNull())
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('refunded_amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('site_id', 'varchar(64)', (c) => c.references('sites.id'))
      .addColumn('checkout_id', 'varchar(64)', (c) => c.references('checkouts.id'))
      .addColumn('client_id', 'varchar(64)', (c) => c.references('clients.id'))
      .addColumn('provider', 'varchar(32)', (c) => c.notNull())
      .addColumn('provider_reference', 'varchar(200)')
      .addColumn('description', 'varchar(500)')
      .addColumn('external_reference', 'varchar(200)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    // At most one transaction per checkout, whatever races (NULLs, manual transactions, are distinct).
    await db.schema.createIndex('transactions_checkout_uq').on('transactions').column('checkout_id').unique().execute();
    await db.schema.createIndex('transactions_org_created_idx').on('transactions').columns(['organization_id', 'created_at']).execute();

    await db.schema
      .createTable('credit_note_counters')
      .addColumn('organization_id', 'varchar(64)', (c) => c.primaryKey().references('organizations.id'))
      .addColumn('last_number', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('credit_notes')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('number', 'varchar(32)', (c) => c.notNull())
      .addColumn('transaction_id', 'varchar(64)', (c) => c.notNull().references('transactions.id'))
      .addColumn('client_id', 'varchar(64)', (c) => c.references('clients.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('reason', 'varchar(500)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('credit_notes_org_number_uq').on('credit_notes').columns(['organization_id', 'number']).unique().execute();
    await db.schema.createIndex('credit_notes_transaction_idx').on('credit_notes').column('transaction_id').execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('idempotency_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('response_status', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['organization_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['idempotency_keys', 'credit_notes', 'credit_note_counters', 'transactions', 'checkouts', 'sites']) {
      await db.schema.dropTable(t).execute();
    }
  },
});
