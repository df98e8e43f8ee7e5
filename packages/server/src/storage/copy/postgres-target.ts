import { type Kysely, sql } from 'kysely';
import { createMigrator, MIGRATION_TABLES } from '../database.js';
import type { TableDependency } from './table-order.js';

// biome-ignore lint/suspicious/noExplicitAny: the copy is generic over whatever tables migrations create
type Db = Kysely<any>;

/** One column of a target table, as PostgreSQL describes it. */
export interface TargetColumn {
  name: string;
  /** `information_schema.columns.data_type` (integer, bigint, character varying, boolean, …). */
  dataType: string;
  /** GENERATED ALWAYS AS IDENTITY: an explicit value needs OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
}

/**
 * The PostgreSQL side of db:copy, on one connection inside the copy's open transaction. Every
 * query is limited to the connection's current schema (the first of its search_path).
 */
export const postgresTarget = {
  /** Base tables of the current schema, migration bookkeeping excluded. */
  async tables(db: Db): Promise<string[]> {
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
    return rows.map((r) => r.name).filter((n) => !(MIGRATION_TABLES as readonly string[]).includes(n));
  },

  async hasMigrationTable(db: Db): Promise<boolean> {
    const { rows } = await sql<{ found: boolean }>`select to_regclass(${`${MIGRATION_TABLES[0]}`}) is not null as found`.execute(db);
    return rows[0]?.found === true;
  },

  async columns(db: Db, table: string): Promise<TargetColumn[]> {
    const { rows } = await sql<{ name: string; data_type: string; identity_generation: string | null }>`
      select column_name as name, data_type, identity_generation from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
    return rows.map((r) => ({ name: r.name, dataType: r.data_type, identityAlways: r.identity_generation === 'ALWAYS' }));
  },

  async dependencies(db: Db): Promise<TableDependency[]> {
    const { rows } = await sql<TableDependency>`
      select c.relname as child, p.relname as parent from pg_constraint k
      join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = current_schema()`.execute(db);
    return rows;
  },

  async count(db: Db, table: string): Promise<number> {
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    return Number(rows[0]?.n ?? 0);
  },

  /** Rows per table right after migrating an empty schema: what migrations themselves insert (seed rows). */
  async seedCounts(db: Db): Promise<Map<string, number>> {
    const probe = `gateway_copy_probe_${process.pid}`;
    await sql`savepoint gateway_copy_probe`.execute(db);
    try {
      await sql`create schema ${sql.id(probe)}`.execute(db);
      await sql`set local search_path to ${sql.id(probe)}`.execute(db);
      const result = await createMigrator(db, 'postgres', { inOpenTransaction: true, schema: probe }).migrateToLatest();
      if (result.error) throw result.error;
      const counts = new Map<string, number>();
      for (const t of await postgresTarget.tables(db)) counts.set(t, await postgresTarget.count(db, t));
      return counts;
    } finally {
      // Undoes the probe schema and the search_path change.
      await sql`rollback to savepoint gateway_copy_probe`.execute(db);
      await sql`release savepoint gateway_copy_probe`.execute(db);
    }
  },

  /** Takes the write lock of every table until commit: nobody adds rows between the emptiness check and the commit. */
  async lock(db: Db, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in exclusive mode`.execute(db);
  },

  async deleteAll(db: Db, table: string): Promise<void> {
    await sql`delete from ${sql.table(table)}`.execute(db);
  },

  async insert(db: Db, table: string, columns: readonly TargetColumn[], rows: readonly unknown[][]): Promise<void> {
    const overriding = columns.some((c) => c.identityAlways) ? sql` overriding system value` : sql``;
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c.name)))})${overriding} values ${sql.join(
      rows.map((r) => sql`(${sql.join(r)})`),
    )}`.execute(db);
  },

  /**
   * Moves every serial/identity sequence of the current schema past the largest copied value,
   * so the next row PostgreSQL numbers (audit_events.seq) does not collide with a copied one.
   */
  async resetSequences(db: Db): Promise<number> {
    const { rows } = await sql<{ table_name: string; column_name: string; seq: string }>`
      select table_name, column_name, seq from (
        select table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) as seq
        from information_schema.columns where table_schema = current_schema()
      ) s where seq is not null`.execute(db);
    for (const r of rows) {
      await sql`select setval(${r.seq}, coalesce((select max(${sql.id(r.column_name)}) from ${sql.table(r.table_name)}), 0) + 1, false)`.execute(
        db,
      );
    }
    return rows.length;
  },
};
