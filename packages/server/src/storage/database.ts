import SQLite from 'better-sqlite3';
import { type Driver, Kysely, Migrator, PostgresDialect, type MigrationResultSet } from 'kysely';
import { withCommitWatch } from './commit-watch.js';
import type { DialectName } from './dialect.js';
import { prepareDataDirectory } from './data-directory.js';
import { migrationsFor } from './migrations/index.js';
import { createPgPool } from './pg-pool.js';
import type { Database } from './schema.js';
import { SqliteImmediateDialect } from './sqlite-immediate-dialect.js';

export interface DatabaseOptions {
  /** postgres:// URL; when unset the embedded SQLite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database file. @default '.data' */
  dataDir?: string;
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
  /**
   * Longest wait on the database in milliseconds (SPEC §7.4): PostgreSQL connect, pool
   * checkout, statement and round trip; SQLite busy timeout. @default 2000
   */
  timeoutMs?: number;
  /** Connection errors nobody is waiting on (logging only; they never end the process). */
  onConnectionError?: (err: Error) => void;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The PostgreSQL connection string (for the change feed's dedicated LISTEN connection). */
  databaseUrl: string | undefined;
  /** The bound every database wait is held to (DatabaseOptions.timeoutMs). */
  timeoutMs: number;
  /**
   * SQLite only: `PRAGMA data_version` of this connection, which changes when another process
   * (the CLI) commits to the database file; undefined on PostgreSQL.
   */
  dataVersion?: () => number;
  close(): Promise<void>;
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  const timeoutMs = options.timeoutMs ?? 2000;
  if (options.databaseUrl) {
    const { databaseUrl, poolSize = 10, onConnectionError } = options;
    const db = new Kysely<Database>({
      dialect: new WatchedPostgresDialect({
        pool: () => createPgPool({ connectionString: databaseUrl, max: poolSize, timeoutMs, onConnectionError }),
      }),
    });
    return { db, dialect: 'postgres', databaseUrl: options.databaseUrl, timeoutMs, close: () => db.destroy() };
  }
  const dir = options.dataDir ?? '.data';
  const sqlite = new SQLite(prepareDataDirectory(dir, 'gateway.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // better-sqlite3 waits for a lock synchronously: held to the same bound as PostgreSQL.
  sqlite.pragma(`busy_timeout = ${timeoutMs}`);
  const db = new Kysely<Database>({ dialect: new SqliteImmediateDialect({ database: sqlite }) });
  const dataVersion = () => sqlite.pragma('data_version', { simple: true }) as number;
  return { db, dialect: 'sqlite', databaseUrl: undefined, timeoutMs, dataVersion, close: () => db.destroy() };
}

/** PostgreSQL with COMMITs recorded for commit-watch.ts (SQLite: SqliteImmediateDialect does the same). */
class WatchedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return withCommitWatch(super.createDriver());
  }
}

/**
 * Migrations may wait for another instance's migration lock or build an index: longer than a
 * request may wait, so on PostgreSQL they run on a connection of their own with this bound.
 */
const MIGRATION_TIMEOUT_MS = 120_000;

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationResultSet> {
  if (handle.dialect === 'postgres' && handle.databaseUrl && handle.timeoutMs < MIGRATION_TIMEOUT_MS) {
    const own = openDatabase({ databaseUrl: handle.databaseUrl, poolSize: 1, timeoutMs: MIGRATION_TIMEOUT_MS });
    try {
      return await migrateToLatest(own);
    } finally {
      await own.close();
    }
  }
  const result = await createMigrator(handle.db, handle.dialect).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return result;
}

/** The gateway's bookkeeping tables of applied migrations (never copied as data). */
export const MIGRATION_TABLES = ['gateway_migrations', 'gateway_migrations_lock'] as const;

/**
 * The gateway's migrator over `db`. `inOpenTransaction`: the caller already holds an open
 * transaction on `db`'s single connection (db:copy migrates inside its copy transaction, so a
 * failed or killed copy leaves no tables behind); `schema`: where the bookkeeping tables live.
 */
export function createMigrator(
  // biome-ignore lint/suspicious/noExplicitAny: migrations are written against an untyped schema
  db: Kysely<any>,
  dialect: DialectName,
  options: { inOpenTransaction?: boolean; schema?: string } = {},
): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrationsFor(dialect) },
    migrationTableName: MIGRATION_TABLES[0],
    migrationLockTableName: MIGRATION_TABLES[1],
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
    ...(options.inOpenTransaction ? { disableTransactions: true } : {}),
  });
}
