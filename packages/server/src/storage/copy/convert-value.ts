import { DatabaseCopyError } from './copy-error.js';

/** A value as better-sqlite3 reads it with safe integers on: every INTEGER is a bigint. */
export type SqliteValue = bigint | number | string | Buffer | null;

/** What node-postgres binds for one parameter. */
export type PostgresParam = string | number | boolean | Buffer | null;

/**
 * Converts one SQLite value to a parameter for a PostgreSQL column of type `pgType`
 * (`information_schema.columns.data_type`). The schema stores portable values (schema.ts: ISO
 * text timestamps, 0/1 booleans, JSON text, integer minor units), so most values pass as they
 * are; the rules below keep a future column of a native PostgreSQL type correct too:
 * - integers travel as decimal strings, never through a double (no precision lost above 2^53);
 * - `boolean`: SQLite 0/1 → false/true;
 * - `timestamp…`/`date`: ISO text passes as is, an integer is Unix epoch milliseconds (Date.now());
 * - `bytea`: a BLOB passes as bytes, text as its UTF-8 bytes;
 * - text types: a number stored under SQLite's loose typing becomes its decimal text; a BLOB is
 *   refused rather than written as `\x…` text.
 *
 * @throws DatabaseCopyError `INVALID_VALUE` for a value the column cannot hold faithfully.
 */
export function convertValue(value: SqliteValue, pgType: string, where: string): PostgresParam {
  if (value === null) return null;
  const type = pgType.toLowerCase();
  if (type === 'boolean') {
    if (typeof value === 'bigint' || typeof value === 'number') return Number(value) !== 0;
    if (typeof value === 'string') return value;
    throw invalid(where, pgType, 'a BLOB');
  }
  if (type.startsWith('timestamp') || type === 'date') {
    if (typeof value === 'bigint' || typeof value === 'number') return new Date(Number(value)).toISOString();
    if (typeof value === 'string') return value;
    throw invalid(where, pgType, 'a BLOB');
  }
  if (type === 'bytea') {
    if (Buffer.isBuffer(value)) return value;
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    throw invalid(where, pgType, `the number ${String(value)}`);
  }
  if (Buffer.isBuffer(value)) {
    throw invalid(where, pgType, 'a BLOB');
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function invalid(where: string, pgType: string, what: string): DatabaseCopyError {
  return new DatabaseCopyError('INVALID_VALUE', `${where}: ${what} cannot be copied into a PostgreSQL ${pgType} column`);
}
