import { join, resolve } from 'node:path';
import type { ServerConfig } from '../config.js';
import { BackupError, backupSqlite } from '../storage/sqlite-backup.js';
import { assertExistingDatabase, SQLITE_FILE } from './existing-database.js';
import { describeSecrets, secretLocations } from './secret-locations.js';

export interface BackupValues {
  out?: string | undefined;
  force?: boolean | undefined;
  json?: boolean | undefined;
}

/**
 * `payment-gateway backup --out <file> [--force]` (SPEC §8, issue 18): a consistent online
 * backup of the embedded database while the server runs (sqlite-backup.ts), then where the
 * pepper and JWT secret are that the backup is useless without (paths, never values).
 * On PostgreSQL it points at pg_dump instead.
 * @returns the exit code: 0 written; 1 refused or failed; 2 usage.
 */
export async function backupCommand(values: BackupValues, config: ServerConfig, env: Record<string, string | undefined>): Promise<number> {
  if (typeof values.out !== 'string' || values.out.trim() === '') {
    console.error('error: --out <file> is required');
    return 2;
  }
  if (config.databaseUrl) {
    console.error(
      'error: backup saves the embedded database of DATA_DIR; DATABASE_URL is set. Back up PostgreSQL with pg_dump ' +
        '(pg_dump --format=custom --file=gateway.dump "$DATABASE_URL"; see "Backups" in the server README), and keep API_KEY_PEPPER with it.',
    );
    return 1;
  }
  try {
    await assertExistingDatabase('backup', config);
    const result = await backupSqlite(join(resolve(config.dataDir), SQLITE_FILE), values.out, { force: values.force === true });
    const secrets = secretLocations(env, config.dataDir);
    if (values.json) {
      console.log(JSON.stringify({ ...result, integrityCheck: 'ok', secrets }, null, 2));
      return 0;
    }
    console.log(
      [
        `Backed up the embedded database to ${result.path} (${result.bytes} bytes, mode 0600, PRAGMA integrity_check ok).`,
        '',
        'This backup cannot verify a single API key without the pepper it was created with, and its sessions need the same',
        'JWT secret. They are NOT in the backup; keep them with it (stored as securely as the backup itself):',
        ...describeSecrets(secrets, env),
        'To restore: stop the server, copy the file to <new DATA_DIR>/gateway.sqlite (mode 0600), put the pepper and JWT secret',
        'files beside it (or set the settings above), start the server with that DATA_DIR.',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`error: backup ${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
