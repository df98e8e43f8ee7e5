import { sql } from 'kysely';
import { createMigrator, openDatabase } from '../database.js';
import { migrationsFor } from '../migrations/index.js';
import { convertValue } from './convert-value.js';
import { checkColumns, checkSourceMigrations, notEmpty, tablesWithRows } from './copy-checks.js';
import { DatabaseCopyError } from './copy-error.js';
import { postgresTarget } from './postgres-target.js';
import { SqliteSource } from './sqlite-source.js';
import { orderTablesByDependencies } from './table-order.js';

/** PostgreSQL accepts at most this many parameters in one statement. */
const MAX_PARAMETERS = 65_535;

export interface CopyDatabaseOptions {
  /** The embedded database file (DATA_DIR/gateway.sqlite). */
  sqliteFile: string;
  /** postgres:// URL of the target; its password is never printed or logged. */
  targetUrl: string;
  /** Rows per INSERT statement (capped so one statement has at most 65 535 parameters). @default 500 */
  batchRows?: number;
  /** Longest wait for one statement or lock on either database, in milliseconds. @default 120000 */
  timeoutMs?: number;
  /** Progress lines for the operator (one per table, and about every 10 % of a large table). */
  progress?: (line: string) => void;
}

export interface CopiedTable {
  table: string;
  rows: number;
}

export interface CopyReport {
  /** Tables in the order they were copied (parents before the tables referencing them). */
  tables: CopiedTable[];
  /** Migrations the target now has (all of this version's). */
  migrations: string[];
  /** Serial/identity sequences moved past the copied values. */
  sequencesReset: number;
}

/**
 * Copies every table of the embedded SQLite database into a PostgreSQL database that holds no
 * data, in ONE transaction on the target (SPEC §8): the gateway's migrations run inside it
 * (PostgreSQL DDL is transactional), then each table is copied in dependency order, streamed in
 * batches, its values converted to the target column types (convert-value.ts), sequences are
 * reset, and every table's row count is compared with the source's before the commit. So a
 * copy that fails, or whose process is killed (the server rolls back the transaction of a
 * closed connection), leaves the target exactly as it was: no tables, no rows.
 *
 * Tables and columns come from the schemas themselves (SQLite's catalogue, PostgreSQL's
 * information_schema after migrating), never from a list in code: a table a new migration adds
 * is copied without a change here.
 *
 * "Holds data" means a table with rows, except the rows the gateway's own migrations insert
 * (a target migrated by `payment-gateway migrate` and never started counts as empty).
 *
 * @throws DatabaseCopyError TARGET_NOT_EMPTY, SOURCE_NOT_MIGRATED, SCHEMA_MISMATCH, INVALID_VALUE
 *   or COUNT_MISMATCH (see copy-error.ts); errors of either database as they come.
 */
export async function copySqliteToPostgres(options: CopyDatabaseOptions): Promise<CopyReport> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const batchRows = Math.max(1, Math.floor(options.batchRows ?? 500));
  const progress = options.progress ?? (() => {});
  const source = new SqliteSource(options.sqliteFile, timeoutMs);
  const target = openDatabase({ databaseUrl: options.targetUrl, poolSize: 1, timeoutMs });
  try {
    checkSourceMigrations(source.appliedMigrations());
    return await target.db.connection().execute(async (db) => {
      await sql`begin`.execute(db);
      try {
        const report = await copyInTransaction(db, source, batchRows, progress);
        await sql`commit`.execute(db);
        return report;
      } catch (err) {
        await sql`rollback`.execute(db).catch(() => {});
        throw err;
      }
    });
  } finally {
    source.close();
    await target.close();
  }
}

type Db = Parameters<typeof postgresTarget.tables>[0];

async function copyInTransaction(db: Db, source: SqliteSource, batchRows: number, progress: (line: string) => void): Promise<CopyReport> {
  // Data in a database the gateway never migrated is someone else's: refuse before touching it.
  const wasMigrated = await postgresTarget.hasMigrationTable(db);
  if (!wasMigrated) {
    const holding = await tablesWithRows(db, await postgresTarget.tables(db));
    if (holding.length > 0) throw notEmpty(holding);
  }
  const migrated = await createMigrator(db, 'postgres', { inOpenTransaction: true }).migrateToLatest();
  if (migrated.error) {
    const failed = migrated.results?.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    throw new Error(`migrating the target failed at ${failed}: ${(migrated.error as Error).message ?? String(migrated.error)}`);
  }
  const tables = orderTablesByDependencies(await postgresTarget.tables(db), await postgresTarget.dependencies(db));
  await postgresTarget.lock(db, tables);
  // On a target this transaction migrated from nothing, every row is one a migration inserted
  // (nobody else sees uncommitted tables). On a target migrated before, rows beyond what the
  // migrations insert into an empty schema are data.
  const holding = wasMigrated ? await tablesWithRows(db, tables) : [];
  if (holding.length > 0) {
    const seeds = await postgresTarget.seedCounts(db).catch((err: unknown) => {
      throw new Error(
        `could not tell the rows the migrations insert from data (${(err as Error).message}); grant the role CREATE on the database, or copy into a database where no migration ran`,
      );
    });
    const data = holding.filter((t) => !seeds.has(t));
    for (const t of holding) if (seeds.has(t) && (await postgresTarget.count(db, t)) > seeds.get(t)!) data.push(t);
    if (data.length > 0) throw notEmpty(data);
  }
  const sourceTables = source.tables();
  const missing = tables.filter((t) => !sourceTables.includes(t));
  const extra = sourceTables.filter((t) => !tables.includes(t));
  if (missing.length || extra.length) {
    throw new DatabaseCopyError(
      'SCHEMA_MISMATCH',
      `the embedded database and the migrated target have different tables (only in the target: ${missing.join(', ') || 'none'}; only in the embedded database: ${extra.join(', ') || 'none'})`,
    );
  }
  // What the migrations inserted here, the source has its own (possibly updated) version of.
  for (const t of [...tables].reverse()) await postgresTarget.deleteAll(db, t);

  const copied: { table: string; rows: number }[] = [];
  for (const table of tables) {
    const columns = await postgresTarget.columns(db, table);
    checkColumns(table, source.columns(table), columns);
    const total = source.count(table);
    progress(`copying ${table} (${total} rows)`);
    const perStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / columns.length)));
    let done = 0;
    let reported = 0;
    let batch: unknown[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await postgresTarget.insert(db, table, columns, batch);
      done += batch.length;
      batch = [];
      if (total >= 1000 && done < total && done - reported >= total / 10) {
        reported = done;
        progress(`  ${table}: ${done} of ${total} rows`);
      }
    };
    let rowNumber = 0;
    for (const row of source.rows(
      table,
      columns.map((c) => c.name),
    )) {
      rowNumber++;
      batch.push(row.map((v, i) => convertValue(v, columns[i]!.dataType, `${table} row ${rowNumber}, column ${columns[i]!.name}`)));
      if (batch.length >= perStatement) await flush();
    }
    await flush();
    copied.push({ table, rows: done });
  }
  const sequencesReset = await postgresTarget.resetSequences(db);

  // Before the commit: every table holds exactly what the source snapshot held.
  const mismatches: string[] = [];
  for (const { table } of copied) {
    const expected = source.count(table);
    const actual = await postgresTarget.count(db, table);
    if (actual !== expected) mismatches.push(`${table}: ${actual} rows in the target, ${expected} in the embedded database`);
  }
  if (mismatches.length > 0)
    throw new DatabaseCopyError('COUNT_MISMATCH', `row counts differ, nothing was committed: ${mismatches.join('; ')}`);
  return { tables: copied, migrations: Object.keys(migrationsFor('postgres')).sort(), sequencesReset };
}
