import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareDataDirectory } from '../src/storage/data-directory.js';
import { startTestServer, type TestServer } from './harness.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** SPEC §7.5, issue #11 "Files": the embedded database and generated secrets are private. */
describe.runIf(process.platform !== 'win32')('data directory permissions', () => {
  const dirs: string[] = [];
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function looseDir(): string {
    const parent = mkdtempSync(join(tmpdir(), 'gw-perm-'));
    dirs.push(parent);
    const dir = join(parent, 'data');
    // A pre-existing data directory with mode 0755 (issue sample).
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    return dir;
  }

  it('a pre-existing 0755 DATA_DIR is tightened to 0700; database, -wal, -shm and generated secrets are 0600 (issue sample)', async () => {
    const dir = looseDir();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const previousUmask = process.umask(0o022);
    try {
      server = await startTestServer({ env: { DATA_DIR: dir } });
      // Writes through the WAL, so -wal and -shm exist.
      for (let i = 0; i < 5; i++) await server.createOrganization(`Org ${i}`);
    } finally {
      process.umask(previousUmask);
    }
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(modeOf(dir)).toBe(0o700);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      expect.arrayContaining(['gateway.sqlite', 'gateway.sqlite-wal', 'gateway.sqlite-shm', 'api-key-pepper', 'jwt-secret']),
    );
    for (const f of files) expect([f, modeOf(join(dir, f)).toString(8)]).toEqual([f, '600']);
    expect(warnings.some((w) => w.includes(dir) && w.includes('0755') && w.includes('0700'))).toBe(true);
  });

  it('even with umask 000, SQLite’s -wal and -shm follow the private database file', async () => {
    const dir = looseDir();
    const previousUmask = process.umask(0);
    try {
      server = await startTestServer({ env: { DATA_DIR: dir } });
      for (let i = 0; i < 3; i++) await server.createOrganization(`Org ${i}`);
    } finally {
      process.umask(previousUmask);
    }
    for (const f of ['gateway.sqlite', 'gateway.sqlite-wal', 'gateway.sqlite-shm', 'api-key-pepper', 'jwt-secret']) {
      expect([f, modeOf(join(dir, f)).toString(8)]).toEqual([f, '600']);
    }
  });

  it('files left readable by an older version are tightened at start, and reported', () => {
    const dir = looseDir();
    for (const f of ['gateway.sqlite', 'gateway.sqlite-wal', 'api-key-pepper', 'jwt-secret']) {
      writeFileSync(join(dir, f), '', { mode: 0o644 });
      chmodSync(join(dir, f), 0o644);
    }
    const reported: string[] = [];
    const file = prepareDataDirectory(dir, 'gateway.sqlite', { report: (m) => reported.push(m) });
    expect(file).toBe(join(dir, 'gateway.sqlite'));
    expect(modeOf(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect([f, modeOf(join(dir, f)).toString(8)]).toEqual([f, '600']);
    expect(reported).toHaveLength(5);
  });

  it('a private directory is left alone and nothing is reported', () => {
    const parent = mkdtempSync(join(tmpdir(), 'gw-perm-'));
    dirs.push(parent);
    const reported: string[] = [];
    prepareDataDirectory(join(parent, 'fresh'), 'gateway.sqlite', { report: (m) => reported.push(m) });
    prepareDataDirectory(join(parent, 'fresh'), 'gateway.sqlite', { report: (m) => reported.push(m) });
    expect(reported).toEqual([]);
    expect(modeOf(join(parent, 'fresh'))).toBe(0o700);
    expect(modeOf(join(parent, 'fresh', 'gateway.sqlite'))).toBe(0o600);
  });
});
