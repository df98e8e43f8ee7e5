import { sql } from 'kysely';
import { migrationsFor } from '../migrations/index.js';
import { DatabaseCopyError } from './copy-error.js';
import type { postgresTarget, TargetColumn } from './postgres-target.js';

type Db = Parameters<typeof postgresTarget.tables>[0];

/**
 * The source must be at exactly this version's migrations: then both schemas match column for column.
 * @throws DatabaseCopyError SOURCE_NOT_MIGRATED naming the missing or unknown migrations.
 */
export function checkSourceMigrations(applied: readonly string[]): void {
  const known = Object.keys(migrationsFor('sqlite')).sort();
  const pending = known.filter((m) => !applied.includes(m));
  const unknown = applied.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new DatabaseCopyError(
      'SOURCE_NOT_MIGRATED',
      `the embedded database has migrations this version does not know (${unknown.join(', ')}): run db:copy with the version of payment-gateway that last ran on it`,
    );
  }
  if (pending.length > 0) {
    throw new DatabaseCopyError(
      'SOURCE_NOT_MIGRATED',
      `the embedded database misses migrations of this version (${pending.join(', ')}): stop its server and run \`payment-gateway migrate\` with the same DATA_DIR first`,
    );
  }
}

/**
 * A table has the same columns on both sides.
 * @throws DatabaseCopyError SCHEMA_MISMATCH naming the columns found on one side only.
 */
export function checkColumns(table: string, sourceColumns: readonly string[], targetColumns: readonly TargetColumn[]): void {
  const names = targetColumns.map((c) => c.name);
  const missing = names.filter((c) => !sourceColumns.includes(c));
  const extra = sourceColumns.filter((c) => !names.includes(c));
  if (missing.length || extra.length) {
    throw new DatabaseCopyError(
      'SCHEMA_MISMATCH',
      `${table} has different columns (only in the target: ${missing.join(', ') || 'none'}; only in the embedded database: ${extra.join(', ') || 'none'})`,
    );
  }
}

/** The tables of `tables` that hold at least one row. */
export async function tablesWithRows(db: Db, tables: readonly string[]): Promise<string[]> {
  const holding: string[] = [];
  for (const t of tables) {
    const { rows } = await sql<{ found: boolean }>`select exists (select 1 from ${sql.table(t)}) as found`.execute(db);
    if (rows[0]?.found) holding.push(t);
  }
  return holding;
}

/** The TARGET_NOT_EMPTY error, naming the tables that hold rows. */
export function notEmpty(tables: readonly string[]): DatabaseCopyError {
  return new DatabaseCopyError(
    'TARGET_NOT_EMPTY',
    `the target database already holds data (rows in ${tables.join(', ')}); nothing was changed. db:copy only copies into an empty database: create a new one (CREATE DATABASE …) and run db:copy again`,
  );
}
