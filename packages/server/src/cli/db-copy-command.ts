import { join, resolve } from 'node:path';
import type { ServerConfig } from '../config.js';
import { copySqliteToPostgres } from '../storage/copy/copy-database.js';
import { DatabaseCopyError } from '../storage/copy/copy-error.js';
import { assertExistingDatabase, redactDatabaseUrl, SQLITE_FILE } from './existing-database.js';
import { describeSecrets, secretLocations } from './secret-locations.js';

export interface DbCopyValues {
  to?: string | undefined;
  'batch-rows'?: string | undefined;
  json?: boolean | undefined;
}

/**
 * `payment-gateway db:copy --to <postgres url> [--batch-rows <n>]` (SPEC §8, issue 18): copies
 * the embedded database of DATA_DIR into an empty PostgreSQL database (copy-database.ts), then
 * prints the next steps with where the pepper and the JWT secret are (paths, never values).
 * The URL's password is never printed: every line, error messages included, shows it as `***`.
 * @returns the exit code: 0 copied; 1 refused or failed (the target is left as it was); 2 usage.
 */
export async function dbCopyCommand(values: DbCopyValues, config: ServerConfig, env: Record<string, string | undefined>): Promise<number> {
  const to = values.to;
  if (typeof to !== 'string' || !/^postgres(ql)?:\/\//.test(to)) {
    console.error('error: --to <postgres://user@host:5432/database> is required (the password may come from PGPASSWORD or ~/.pgpass)');
    return 2;
  }
  const batchRows = values['batch-rows'] === undefined ? 500 : Number(values['batch-rows']);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 10_000) {
    console.error('error: --batch-rows must be an integer from 1 to 10000');
    return 2;
  }
  const shown = redactDatabaseUrl(to);
  const hide = secretsOf(to);
  const redact = (text: string) => hide.reduce((t, s) => t.replaceAll(s, '***'), text);
  try {
    if (config.databaseUrl) {
      throw new DatabaseCopyError(
        'NOT_EMBEDDED',
        'db:copy copies the embedded database of DATA_DIR; DATABASE_URL is set, so this configuration is already on PostgreSQL (unset it and set DATA_DIR)',
      );
    }
    await assertExistingDatabase('db:copy', config);
    const sqliteFile = join(resolve(config.dataDir), SQLITE_FILE);
    console.error(`copying ${sqliteFile} into ${shown} (one transaction: nothing is committed unless every table copies)`);
    const report = await copySqliteToPostgres({
      sqliteFile,
      targetUrl: to,
      batchRows,
      progress: (line) => console.error(redact(line)),
    });
    const secrets = secretLocations(env, config.dataDir);
    if (values.json) {
      console.log(JSON.stringify({ source: sqliteFile, target: shown, ...report, secrets }, null, 2));
      return 0;
    }
    const rows = report.tables.reduce((n, t) => n + t.rows, 0);
    const width = Math.max(...report.tables.map((t) => t.table.length));
    console.log(
      [
        `Copied ${report.tables.length} tables (${rows} rows) into ${shown}; every table's row count matched before the commit.`,
        ...report.tables.map((t) => `  ${t.table.padEnd(width)}  ${t.rows}`),
        '',
        'Next steps:',
        '  1. Keep the server on the embedded database stopped: what it writes from now on is not in PostgreSQL.',
        '  2. Give every PostgreSQL instance the secrets this data was created with. Without the same pepper not a single',
        '     copied API key verifies; without the same JWT secret signed-in users must sign in again:',
        ...describeSecrets(secrets, env),
        '     Copy each file to every instance (mode 0600) or put its content in your secret store under the setting',
        '     without _FILE. They are secrets: this command prints where they are, never what they are.',
        '  3. Start the instances on PostgreSQL, for example:',
        `       DATABASE_URL=${shown} ${secrets
          .filter((s) => s.source !== 'missing')
          .map((s) => (s.source === 'file' ? `${s.setting}_FILE=${s.path}` : `${s.setting}=…`))
          .join(' ')} payment-gateway start`,
        '  4. Keep DATA_DIR (database and secrets) until PostgreSQL is verified; `payment-gateway backup --out <file>` saves the database.',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(redact(err instanceof DatabaseCopyError ? `error: db:copy ${err.code}: ${message}` : `error: ${message}`));
    console.error(`The target ${shown} was left as it was (the copy is one transaction).`);
    return 1;
  }
}

/** The password of a connection URL, raw and decoded, to blank out of any message. */
function secretsOf(url: string): string[] {
  try {
    const parsed = new URL(url);
    const raw = [parsed.password, parsed.searchParams.get('password') ?? ''].filter((s) => s.length >= 1);
    return [...new Set([...raw, ...raw.map((s) => safeDecode(s))])].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
