import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResultSet } from 'kysely';
import type { Pool } from 'pg';
import type { DialectName } from './dialect.js';
import { prepareDataDirectory } from './data-directory.js';
import { migrationsFor } from './migrations/index.js';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** postgres:// URL; when unset the embedded SQLite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database file. @default '.data' */
  dataDir?: string;
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL connection string (for the change feed's dedicated LISTEN connection). */
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/** pg is loaded on first use, only when PostgreSQL is configured: the embedded default starts faster without it. */
async function createPgPool(connectionString: string, max: number): Promise<Pool> {
  const { default: pg } = await import('pg');
  // Timestamps and booleans are stored portably; make pg return int8 (bigserial) as numbers.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({ connectionString, max });
  // An idle client losing its connection (e.g. PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) {
    const { databaseUrl, poolSize = 10 } = options;
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: () => createPgPool(databaseUrl, poolSize) }) });
    return { db, dialect: 'postgres', databaseUrl: options.databaseUrl, close: () => db.destroy() };
  }
  const dir = options.dataDir ?? '.data';
  const sqlite = new SQLite(prepareDataDirectory(dir, 'gateway.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', databaseUrl: undefined, close: () => db.destroy() };
}

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: handle.db,
    provider: { getMigrations: async () => migrationsFor(handle.dialect) },
    migrationTableName: 'gateway_migrations',
    migrationLockTableName: 'gateway_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return result;
}
