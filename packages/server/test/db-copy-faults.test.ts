/**
 * SPEC §8, issue 18: db:copy leaves the target as it was whenever it does not finish. The CLI runs
 * as its own process (bundled from the sources); the faults are real: SIGKILL while it copies
 * (its PostgreSQL connection dies with it, and with the connection the open transaction, the
 * migrations included), a value PostgreSQL refuses half-way, a target holding someone's data.
 * "Empty" afterwards means no gateway table at all: the migrations ran inside the rolled-back
 * transaction.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../src/storage/database.js';
import { createTestDatabase, TEST_DATABASE_URL } from './harness.js';
import { runCli, spawnCli } from './support/cli-process.js';
import { cliBundle, disposeCliBundle } from './support/instance-bundle.js';
import { waitFor } from './support/instances.js';

if (!TEST_DATABASE_URL) console.log('[db-copy-faults] TEST_DATABASE_URL is not set: the db:copy fault suite is skipped');

const EVENTS = 3000;
const PEPPER = 'db-copy-faults-pepper-0123456789abcdefghij';

/** An embedded database with EVENTS audit events (written directly: the volume makes a copy slow enough to kill). */
async function embeddedDatabase(dirs: string[]): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-db-copy-faults-'));
  dirs.push(dataDir);
  const handle = openDatabase({ dataDir });
  await migrateToLatest(handle);
  await handle.close();
  const db = new SQLite(join(dataDir, 'gateway.sqlite'));
  const insert = db.prepare(
    "insert into audit_events (id, action, actor_type, actor_id, created_at, metadata) values (?, 'organization.created', 'system', 'test', ?, '{}')",
  );
  db.transaction(() => {
    for (let i = 0; i < EVENTS; i++) insert.run(`evt_${i}`, new Date(Date.UTC(2030, 0, 1, 0, 0, i)).toISOString());
  })();
  db.close();
  writeFileSync(join(dataDir, 'api-key-pepper'), `${PEPPER}\n`, { mode: 0o600 });
  return dataDir;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const publicTables = (url: string) =>
  withClient(url, async (c) =>
    (await c.query("select table_name from information_schema.tables where table_schema = 'public' order by 1")).rows.map(
      (r: { table_name: string }) => r.table_name,
    ),
  );

describe.skipIf(!TEST_DATABASE_URL)('db:copy leaves the target as it was when it does not finish', () => {
  const dirs: string[] = [];
  const databases: { drop(): Promise<void> }[] = [];
  let bundle: string;
  let dataDir: string;

  beforeAll(async () => {
    bundle = await cliBundle();
    dataDir = await embeddedDatabase(dirs);
  }, 120_000);
  afterAll(async () => {
    disposeCliBundle();
    for (const db of databases) await db.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function freshTarget() {
    const db = await createTestDatabase();
    databases.push(db);
    return db;
  }

  it('a copy killed with SIGKILL part-way leaves no table and no row; a later copy into the same target succeeds', async () => {
    const target = await freshTarget();
    // One row per statement: thousands of round trips, so the copy is surely still running when killed.
    const copy = spawnCli(bundle, ['db:copy', '--to', target.url, '--batch-rows', '1'], { DATA_DIR: dataDir });
    await copy.printed(/audit_events: \d+ of 3000 rows/);
    copy.child.kill('SIGKILL');
    const result = await copy.done;
    expect(result.signal).toBe('SIGKILL');
    expect(copy.output()).not.toContain('Copied');

    // PostgreSQL ends the dead client's backend, rolling its transaction back.
    const name = new URL(target.url).pathname.slice(1);
    await waitFor('the killed copy to lose its connection', () =>
      withClient(TEST_DATABASE_URL!, async (c) => {
        const { rows } = await c.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        return rows[0].n === 0;
      }),
    );
    expect(await publicTables(target.url)).toEqual([]);

    const again = await runCli(bundle, ['db:copy', '--to', target.url], { DATA_DIR: dataDir });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const copied = await withClient(target.url, async (c) => (await c.query('select count(*)::int as n from audit_events')).rows[0].n);
    expect(copied).toBe(EVENTS);
  });

  it('a value PostgreSQL refuses half-way fails the copy with exit 1 and leaves no table', async () => {
    const target = await freshTarget();
    const broken = mkdtempSync(join(tmpdir(), 'gw-db-copy-broken-'));
    dirs.push(broken);
    const handle = openDatabase({ dataDir: broken });
    await migrateToLatest(handle);
    await handle.close();
    // SQLite does not enforce varchar(100); PostgreSQL does.
    const db = new SQLite(join(broken, 'gateway.sqlite'));
    db.prepare(
      `insert into api_keys (id, tier, organization_id, name, scopes, status, created_at, created_by_type, created_by_id, updated_at,
        secret_hash, secret_prefix, pepper_version, version)
       values ('key_toolong', 'system', null, ?, '["system:read"]', 'active', '2030-01-01T00:00:00.000Z', 'system', 'test',
        '2030-01-01T00:00:00.000Z', ?, 'abcdefgh', 1, 1)`,
    ).run('n'.repeat(300), 'f'.repeat(64));
    db.close();
    writeFileSync(join(broken, 'api-key-pepper'), `${PEPPER}\n`, { mode: 0o600 });

    const result = await runCli(bundle, ['db:copy', '--to', target.url], { DATA_DIR: broken });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/value too long/);
    expect(result.stderr).toContain('left as it was');
    expect(await publicTables(target.url)).toEqual([]);
  });

  it("refuses a target holding someone else's data: exit 1, TARGET_NOT_EMPTY, their table untouched and no gateway table created", async () => {
    const target = await freshTarget();
    await withClient(target.url, (c) =>
      c.query("create table unrelated (id int primary key, note text); insert into unrelated values (1, 'keep me')"),
    );
    const result = await runCli(bundle, ['db:copy', '--to', target.url], { DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TARGET_NOT_EMPTY');
    expect(result.stderr).toContain('unrelated');
    expect(await publicTables(target.url)).toEqual(['unrelated']);
    expect(await withClient(target.url, async (c) => (await c.query('select note from unrelated')).rows)).toEqual([{ note: 'keep me' }]);
  });

  it('accepts a target that only ran `payment-gateway migrate` (no data yet)', async () => {
    const target = await freshTarget();
    const migrated = await runCli(bundle, ['migrate'], {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'gw-db-copy-unused-')),
      DATABASE_URL: target.url,
      API_KEY_PEPPER: PEPPER,
      JWT_SECRET: 'db-copy-faults-jwt-secret-0123456789abcdef',
    });
    expect(migrated.code, migrated.stderr).toBe(0);
    const result = await runCli(bundle, ['db:copy', '--to', target.url], { DATA_DIR: dataDir });
    expect(result.code, result.stderr).toBe(0);
    expect(await withClient(target.url, async (c) => (await c.query('select count(*)::int as n from audit_events')).rows[0].n)).toBe(
      EVENTS,
    );
  });

  it('refuses a usage error without touching anything: no --to, a non-PostgreSQL URL, a bad --batch-rows', async () => {
    for (const args of [['db:copy'], ['db:copy', '--to', 'mysql://x@y/z'], ['db:copy', '--to', 'postgres://x@y/z', '--batch-rows', '0']]) {
      const result = await runCli(bundle, args, { DATA_DIR: dataDir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/--to|--batch-rows/);
    }
  });
});
