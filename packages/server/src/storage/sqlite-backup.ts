import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, linkSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';

/**
 * Why a backup was not written.
 * - `EXISTS`: the output file exists and `force` was not given (it is left untouched);
 * - `LIVE_DATABASE`: the output is the database file being backed up (or its -wal/-shm/-journal);
 * - `CORRUPT`: the copy failed `PRAGMA integrity_check` (nothing is left at the output path).
 */
export class BackupError extends Error {
  override name = 'BackupError';
  constructor(
    readonly code: 'EXISTS' | 'LIVE_DATABASE' | 'CORRUPT',
    message: string,
  ) {
    super(message);
  }
}

export interface BackupResult {
  /** Absolute path of the backup file. */
  path: string;
  bytes: number;
}

/**
 * A consistent online backup of the embedded database (SPEC §8, issue 18) while a server keeps
 * writing to it, through SQLite's online backup API (better-sqlite3 `db.backup()`):
 * - every page is copied in ONE backup step, i.e. inside one read transaction: the file is the
 *   database as of one instant (every transaction committed before the step started, none
 *   after). Writers are not blocked (WAL readers never block writers). In small steps, each
 *   write by the server would restart the backup, and under steady load it might never finish.
 *   (VACUUM INTO is also consistent; the backup API is preferred because it copies pages as they
 *   are and runs on the event loop's idle turns.)
 * - the file is created mode 0600 before SQLite writes into it (it holds key hashes and
 *   sessions), written under a temporary name beside `out`, checked with `PRAGMA
 *   integrity_check`, switched to a self-contained rollback journal (no -wal file needed), and
 *   only then moved to `out`: atomically refused if `out` appeared meanwhile (without `force`).
 *
 * @throws BackupError `EXISTS` when `out` exists and `force` is false; `LIVE_DATABASE` when `out` is
 *   the database itself (even with `force`); `CORRUPT` when the copy
 *   fails its integrity check. SQLite and file-system errors as they come (no file is left).
 */
export async function backupSqlite(
  sqliteFile: string,
  out: string,
  options: { force?: boolean; busyTimeoutMs?: number } = {},
): Promise<BackupResult> {
  const path = resolve(out);
  const live = resolve(sqliteFile);
  if ([live, `${live}-wal`, `${live}-shm`, `${live}-journal`].includes(path)) {
    throw new BackupError('LIVE_DATABASE', `${path} is the live database (or one of its files); write the backup somewhere else`);
  }
  if (!options.force && existsSync(path)) {
    throw new BackupError('EXISTS', `${path} already exists; nothing was written (pass --force to replace it)`);
  }
  const partial = join(dirname(path), `.${basename(path)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const source = new SQLite(sqliteFile, { fileMustExist: true });
    try {
      source.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
      // Returning the largest step makes every remaining page one step: one consistent snapshot.
      await source.backup(partial, { progress: () => 0x7fffffff });
    } finally {
      source.close();
    }
    const copy = new SQLite(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new BackupError('CORRUPT', `the backup failed PRAGMA integrity_check: ${String(check)}`);
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    chmodSync(partial, 0o600);
    if (options.force) {
      renameSync(partial, path);
    } else {
      try {
        // link() never replaces: a file created at `out` meanwhile is refused, not overwritten.
        linkSync(partial, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new BackupError('EXISTS', `${path} already exists; nothing was written (pass --force to replace it)`);
        }
        throw err;
      }
      unlinkSync(partial);
    }
    return { path, bytes: statSync(path).size };
  } catch (err) {
    for (const leftover of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`]) {
      if (existsSync(leftover)) unlinkSync(leftover);
    }
    throw err;
  }
}
