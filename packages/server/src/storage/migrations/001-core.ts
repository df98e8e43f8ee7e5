import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../dialect.js';

/** Organizations, users, memberships, API keys, audit events and settings. */
export const coreMigration = (dialect: DialectName): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('portal_enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('offboarded_at', 'varchar(32)')
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('password_hash', 'varchar(512)', (c) => c.notNull())
      .addColumn('global_admin', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
      .addColumn('role', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organization_id'])
      .execute();

    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'varchar(22)', (c) => c.primaryKey())
      .addColumn('tier', 'varchar(16)', (c) => c.notNull())
      .addColumn('organization_id', 'varchar(64)', (c) => c.references('organizations.id'))
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('description', 'varchar(500)')
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('ip_allowlist', 'text')
      .addColumn('expires_at', 'varchar(32)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_by_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_by_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('last_used_at', 'varchar(32)')
      .addColumn('last_rotated_at', 'varchar(32)')
      .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('secret_prefix', 'varchar(8)', (c) => c.notNull())
      .addColumn('pepper_version', 'integer', (c) => c.notNull())
      .addColumn('previous_secret_hash', 'varchar(64)')
      .addColumn('previous_pepper_version', 'integer')
      .addColumn('previous_secret_expires_at', 'varchar(32)')
      .addColumn('revoked_at', 'varchar(32)')
      .addColumn('revoked_reason', 'varchar(500)')
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('api_keys_org_idx').on('api_keys').columns(['organization_id', 'created_at']).execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('seq', dialect === 'postgres' ? sql.raw('bigserial') : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('id', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('action', 'varchar(100)', (c) => c.notNull())
      .addColumn('actor_type', 'varchar(16)', (c) => c.notNull())
      .addColumn('actor_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('organization_id', 'varchar(64)')
      .addColumn('target_type', 'varchar(32)')
      .addColumn('target_id', 'varchar(64)')
      .addColumn('request_id', 'varchar(128)')
      .addColumn('ip', 'varchar(64)')
      .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
      .addColumn('metadata', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_org_idx').on('audit_events').columns(['organization_id', 'created_at']).execute();
    await db.schema.createIndex('audit_events_created_idx').on('audit_events').columns(['created_at']).execute();

    await db.schema
      .createTable('settings')
      .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    for (const t of ['settings', 'audit_events', 'api_keys', 'memberships', 'users', 'organizations']) {
      await db.schema.dropTable(t).execute();
    }
  },
});
