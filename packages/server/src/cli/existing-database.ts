import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { ServerConfig } from '../config.js';
import { openDatabase } from '../storage/database.js';

/** The SQLite file of the embedded database inside `DATA_DIR`. */
export const SQLITE_FILE = 'gateway.sqlite';
/** The generated pepper inside `DATA_DIR` when `API_KEY_PEPPER` is not set. */
export const PEPPER_FILE = 'api-key-pepper';

/** A database the CLI will not create, with where it looked and how to point at the right one. */
export class MissingDatabaseError extends Error {
  override name = 'MissingDatabaseError';
}

const HOW_TO_POINT =
  'Run the command with the same configuration as the server: set DATA_DIR to the data directory the running server uses ' +
  '(its start log prints it) or DATABASE_URL (and API_KEY_PEPPER) for PostgreSQL. ' +
  'To create a new database on purpose, run `payment-gateway migrate` (or `start`) first.';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db` (a `password` query parameter too). */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:).*@/, '$1***@');
  }
}

/**
 * Operator commands other than `start` and `migrate` act on an existing gateway database: they
 * never create one (a key minted in a fresh `.data` of the current directory is a key the
 * running server does not know). Checks, without creating anything, that the database exists
 * and has the gateway schema, and that an embedded database holding keys has its generated
 * pepper when `API_KEY_PEPPER` is not set.
 * @throws MissingDatabaseError saying where it looked and how to point at the right database.
 */
export async function assertExistingDatabase(command: string, config: ServerConfig): Promise<void> {
  let where: string;
  if (config.databaseUrl) {
    where = `the PostgreSQL database ${redactDatabaseUrl(config.databaseUrl)} (DATABASE_URL)`;
  } else {
    const dataDir = resolve(config.dataDir);
    const file = join(dataDir, SQLITE_FILE);
    where = `${file} (DATA_DIR=${config.dataDir}${config.dataDir === dataDir ? '' : `, from ${process.cwd()}`})`;
    if (!existsSync(file)) {
      throw new MissingDatabaseError(`${command}: no gateway database at ${where}; nothing was created. ${HOW_TO_POINT}`);
    }
  }
  const handle = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 1 });
  try {
    try {
      await sql`select 1 from gateway_migrations`.execute(handle.db);
    } catch (err) {
      if (!isMissingTable(err)) throw err;
      throw new MissingDatabaseError(
        `${command}: ${where} has no gateway schema (no migrations were ever applied); nothing was changed. ${HOW_TO_POINT}`,
      );
    }
    const pepperFile = join(resolve(config.dataDir), PEPPER_FILE);
    if (!config.databaseUrl && !config.pepper && !existsSync(pepperFile)) {
      // Stored keys were hashed with a pepper from elsewhere (the server's API_KEY_PEPPER): a newly
      // generated one would mint keys the server rejects. With no keys yet, generating it is right.
      const row = await handle.db
        .selectFrom('api_keys')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      if (Number(row.count) > 0) {
        throw new MissingDatabaseError(
          `${command}: ${where} holds API keys but there is no generated pepper (${pepperFile}) and API_KEY_PEPPER is not set: ` +
            'set API_KEY_PEPPER as for the server. No new pepper was generated.',
        );
      }
    }
  } finally {
    await handle.close();
  }
}

/** PostgreSQL `undefined_table` or SQLite "no such table": the schema is not there (other errors are real failures). */
function isMissingTable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '42P01' || (typeof e?.message === 'string' && e.message.includes('no such table'));
}
