/**
 * SPEC §8, issue 18: `payment-gateway backup --out <file>` takes a consistent backup of the
 * embedded database while a server (its own process) keeps writing through the API. The backup
 * (the CLI, its own process too) is restored into a new DATA_DIR with the pepper and JWT secret
 * files: PRAGMA integrity_check is ok, and every key whose creation had answered before the
 * backup started verifies on a server started there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';
import { runCli } from './support/cli-process.js';
import { cliBundle, disposeCliBundle } from './support/instance-bundle.js';
import { waitForListening } from './support/listening.js';

const ADMIN = { email: 'backup-admin@example.com', password: 'backup-admin-password-123' };

describe('backup: a consistent online backup of the embedded database under write load', () => {
  const scratch: string[] = [];
  let bundle: string;
  let dataDir: string;
  let server: ChildProcess | null = null;
  let url = '';
  let session = '';
  let orgId = '';

  const dir = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    scratch.push(d);
    return d;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${session}`,
        cookie: `selectedOrganization=${orgId}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as any;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  beforeAll(async () => {
    bundle = await cliBundle();
    dataDir = dir('gw-backup-data-');
    server = spawn(process.execPath, [bundle, 'start'], {
      cwd: tmpdir(),
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        RATE_LIMIT_PER_MINUTE: '1000000',
        RATE_LIMIT_PER_5_MINUTES: '5000000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await waitForListening(server);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    session = ((await login.json()) as { token: string }).token;
    orgId = (await api('POST', '/api/v1/system/organizations', { name: 'Backed up' })).id;
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    disposeCliBundle();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it('restores to a database that passes integrity_check where every key committed before the backup verifies', async () => {
    const committed: string[] = [];
    let writing = true;
    const writer = async () => {
      while (writing) {
        const key = await api('POST', `/api/v1/organizations/${orgId}/api-keys`, { name: `k${committed.length}`, scopes: ['client:read'] });
        committed.push(key.token);
      }
    };
    const writers = [writer(), writer()];
    while (committed.length < 40) await new Promise((r) => setTimeout(r, 20));

    const before = [...committed];
    const out = join(dir('gw-backup-out-'), 'gateway-backup.sqlite');
    const backup = await runCli(bundle, ['backup', '--out', out], { DATA_DIR: dataDir });
    const during = committed.length;
    while (committed.length < during + 10) await new Promise((r) => setTimeout(r, 20));
    writing = false;
    await Promise.all(writers);
    expect(backup.code, backup.stderr).toBe(0);

    // The file is private, and the output names where the pepper is without printing it.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const pepper = readFileSync(join(dataDir, 'api-key-pepper'), 'utf8').trim();
    expect(backup.stdout).toContain(`API_KEY_PEPPER_FILE=${join(dataDir, 'api-key-pepper')}`);
    expect(backup.stdout).toContain('cannot verify a single API key without the pepper');
    expect(backup.stdout + backup.stderr).not.toContain(pepper);

    // Restore as the README says: the file as gateway.sqlite in a new DATA_DIR, the secrets beside it.
    const restored = dir('gw-backup-restored-');
    copyFileSync(out, join(restored, 'gateway.sqlite'));
    for (const f of ['api-key-pepper', 'jwt-secret']) copyFileSync(join(dataDir, f), join(restored, f));
    const check = new SQLite(join(restored, 'gateway.sqlite'), { readonly: true });
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      check.close();
    }
    const restoredServer = await startTestServer({ dialect: 'sqlite', env: { DATA_DIR: restored } });
    try {
      for (const token of before) {
        const res = await restoredServer.request('GET', '/api/v1/auth/whoami', { token });
        expect(res.status).toBe(200);
      }
    } finally {
      await restoredServer.close();
    }
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const out = join(dir('gw-backup-out-'), 'existing.sqlite');
    writeFileSync(out, 'precious');
    const refused = await runCli(bundle, ['backup', '--out', out], { DATA_DIR: dataDir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(out, 'utf8')).toBe('precious');

    const forced = await runCli(bundle, ['backup', '--out', out, '--force'], { DATA_DIR: dataDir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(statSync(out).mode & 0o777).toBe(0o600);

    // Not even --force replaces the live database with a copy of itself.
    const live = await runCli(bundle, ['backup', '--out', join(dataDir, 'gateway.sqlite'), '--force'], { DATA_DIR: dataDir });
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('LIVE_DATABASE');
  });

  it('on PostgreSQL points at pg_dump instead, and needs --out', async () => {
    const pgConfig = {
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      API_KEY_PEPPER: 'backup-test-pepper-0123456789abcdefghijkl',
      JWT_SECRET: 'backup-test-jwt-secret-0123456789abcdefghi',
    };
    const onPg = await runCli(bundle, ['backup', '--out', join(tmpdir(), 'never-written.sqlite')], pgConfig);
    expect(onPg.code).toBe(1);
    expect(onPg.stderr).toContain('pg_dump');
    expect((await runCli(bundle, ['backup'], { DATA_DIR: dataDir })).code).toBe(2);
  });
});
