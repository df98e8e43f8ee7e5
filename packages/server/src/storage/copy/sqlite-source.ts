import SQLite from 'better-sqlite3';
import { MIGRATION_TABLES } from '../database.js';
import type { SqliteValue } from './convert-value.js';

/**
 * The embedded database as db:copy reads it: one read transaction from the first query to
 * close(), so every table and count comes from the same snapshot even while a server writes
 * (WAL readers never block writers). Opened read-write only because SQLite needs to write the
 * WAL index; nothing is written.
 */
export class SqliteSource {
  readonly #db: SQLite.Database;

  /** @throws Error from SQLite when `file` does not exist or is not a database. */
  constructor(file: string, busyTimeoutMs: number) {
    this.#db = new SQLite(file, { fileMustExist: true });
    this.#db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    this.#db.exec('begin');
    // The snapshot starts at the first read, here, rather than at some later table.
    this.#db.prepare('select count(*) from sqlite_master').get();
  }

  /** Names of applied migrations. */
  appliedMigrations(): string[] {
    return (this.#db.prepare(`select name from ${MIGRATION_TABLES[0]} order by name`).all() as { name: string }[]).map((r) => r.name);
  }

  /** Every data table: not SQLite's own (sqlite_sequence, sqlite_stat*), not migration bookkeeping. */
  tables(): string[] {
    const rows = this.#db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'")
      .all() as {
      name: string;
    }[];
    return rows.map((r) => r.name).filter((n) => !(MIGRATION_TABLES as readonly string[]).includes(n));
  }

  columns(table: string): string[] {
    return (this.#db.prepare('select name from pragma_table_info(?) order by cid').all(table) as { name: string }[]).map((r) => r.name);
  }

  count(table: string): number {
    return Number((this.#db.prepare(`select count(*) as n from ${quote(table)}`).get() as { n: number }).n);
  }

  /**
   * The rows of `table`, `columns` in that order, streamed (one row in memory at a time).
   * Integers come as bigint so none loses precision on the way.
   */
  rows(table: string, columns: readonly string[]): IterableIterator<SqliteValue[]> {
    const stmt = this.#db.prepare(`select ${columns.map(quote).join(', ')} from ${quote(table)}`);
    return stmt.raw(true).safeIntegers(true).iterate() as IterableIterator<SqliteValue[]>;
  }

  close(): void {
    if (this.#db.inTransaction) this.#db.exec('rollback');
    this.#db.close();
  }
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
