import { withCommitWatch } from './commit-watch.js';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect, with transactions that take the write lock when they begin
 * (`BEGIN IMMEDIATE`) instead of at their first write (`BEGIN`, deferred).
 *
 * Why: a deferred transaction that has read and then writes must upgrade its read snapshot to a
 * write lock. If another process (the CLI, a second server during a restart) committed in
 * between, SQLite answers SQLITE_BUSY at once, without waiting `busy_timeout`, because the
 * snapshot is stale and waiting cannot help. Every transaction here writes, so taking the lock
 * up front makes concurrent writers wait their turn (up to `busy_timeout`) instead of failing.
 */
export class SqliteImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    // COMMITs are recorded for commit-watch.ts (the idempotency middleware's "may it have committed?").
    return withCommitWatch(new SqliteImmediateDriver(this.#config));
  }
}

class SqliteImmediateDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
