import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Permission bits for group and others. */
const GROUP_OTHER = 0o077;

export interface DataDirectoryOptions {
  /**
   * Told about every permission the server tightened (one sentence each).
   * @default process.emitWarning (printed on stderr at start)
   */
  report?: (message: string) => void;
}

/**
 * Makes the embedded database's data directory private before anything is written in it
 * (SPEC §7.5): the directory becomes 0700 and every file in it (the database, its -wal/-shm,
 * generated secrets) 0600, each change reported; the database file is created 0600 before
 * SQLite opens it, and SQLite gives the -wal and -shm files it creates later the database
 * file's own permissions, whatever the process umask.
 *
 * @returns the path of the database file `fileName` in `dir`
 * @throws Error when a permission cannot be tightened (for example the directory belongs to
 *   another user): the server refuses to start rather than run with readable secrets.
 */
export function prepareDataDirectory(dir: string, fileName: string, options: DataDirectoryOptions = {}): string {
  const report = options.report ?? ((message: string) => process.emitWarning(message, { code: 'GATEWAY_DATA_DIR_PERMISSIONS' }));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, fileName);
  // POSIX permissions do not apply on Windows; there the directory's ACL is the operator's to set.
  if (process.platform === 'win32') return file;
  tighten(dir, 0o700, 'data directory', report);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (lstatSync(path).isFile()) tighten(path, 0o600, 'file', report);
  }
  // Created here, empty and private, so SQLite never creates it with its default 0644.
  closeSync(openSync(file, 'a', 0o600));
  return file;
}

function tighten(path: string, mode: number, what: string, report: (message: string) => void): void {
  const current = statSync(path).mode & 0o777;
  if ((current & GROUP_OTHER) === 0) return;
  try {
    chmodSync(path, mode);
  } catch (err) {
    throw new Error(
      `The ${what} ${path} is readable by other users (mode ${current.toString(8)}) and could not be made private: ${(err as Error).message}. ` +
        `Run: chmod ${mode.toString(8)} ${path}`,
    );
  }
  report(
    `Tightened the ${what} ${path} from mode ${current.toString(8).padStart(4, '0')} to ${mode.toString(8).padStart(4, '0')}: it held credentials readable by other users.`,
  );
}
