// The bundled CLI run from another directory than the server's (the issue: `key:create` silently
// created a new .data with its own database, pepper and admin, and printed a key the running
// server rejected). Commands other than start and migrate refuse to create a database and say
// where they looked; pointed at the server's DATA_DIR they work and the server accepts the key.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
const built = existsSync(BUNDLE);
if (!built) console.log('[cli-data-dir] dist/payment-gateway.mjs is missing: run the server build (npm test does)');

/** A clean environment: nothing from the test runner (no DATA_DIR, no DATABASE_URL). */
const baseEnv = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' };

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BUNDLE, ...args], { cwd: options.cwd, env: { ...baseEnv, ...options.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!built)('the bundled CLI and DATA_DIR', () => {
  let serverData: string;
  let elsewhere: string;
  let child: ChildProcess | null = null;
  let url: string;
  let startLog: { dataDir?: string };

  beforeAll(async () => {
    serverData = mkdtempSync(join(tmpdir(), 'gw-cli-server-'));
    elsewhere = mkdtempSync(join(tmpdir(), 'gw-cli-elsewhere-'));
    const env = {
      ...baseEnv,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: 'root-password-123',
    };
    // The server runs in its own directory with the default DATA_DIR (.data there).
    const proc = spawn(process.execPath, [BUNDLE, 'start'], { cwd: serverData, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" log line within 20 s:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = output.split('\n').find((l) => l.includes('payment gateway listening on'));
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before listening:\n${output}`));
      });
    });
    startLog = JSON.parse(line) as { url: string; dataDir?: string };
    url = (startLog as { url: string }).url;
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(serverData, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('the start log names the full data directory, so operators know what to point DATA_DIR at', () => {
    expect(startLog.dataDir).toBe(join(serverData, '.data'));
  });

  it.each([
    ['key:create', ['--org', 'org_0123456789abcdefABCD', '--name', 'billing', '--scopes', 'client:read']],
    ['org:create', ['--name', 'Acme']],
    ['user:create', ['--email', 'ops@example.com', '--password', 'a very long password']],
    ['member:set', ['--org', 'org_0123456789abcdefABCD', '--email', 'ops@example.com', '--role', 'viewer']],
  ])('%s from another directory refuses to create a database and says where it looked', async (command, args) => {
    const result = await cli([command, ...args], { cwd: elsewhere });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(join(elsewhere, '.data', 'gateway.sqlite'));
    expect(result.stderr).toContain('DATA_DIR');
    expect(result.stderr).toContain('nothing was created');
    expect(result.stdout).not.toMatch(/sk_/);
    // Nothing was created: no database, no pepper, no admin.
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('pointed at the server data directory, key:create prints a key the running server accepts', async () => {
    const env = { DATA_DIR: join(serverData, '.data') };
    const org = await cli(['org:create', '--name', 'Acme', '--json'], { cwd: elsewhere, env });
    expect(org.code, org.stderr).toBe(0);
    const { id: orgId } = JSON.parse(org.stdout) as { id: string };
    const key = await cli(['key:create', '--org', orgId, '--name', 'billing', '--scopes', 'client:read', '--json'], {
      cwd: elsewhere,
      env,
    });
    expect(key.code, key.stderr).toBe(0);
    const { token } = JSON.parse(key.stdout) as { token: string };
    const res = await fetch(`${url}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'api_key', organizationId: orgId, scopes: ['client:read'] });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('refuses a database whose keys were hashed with a pepper it cannot find', async () => {
    // A database with keys but without its generated pepper: as if its server had API_KEY_PEPPER set.
    const copy = mkdtempSync(join(tmpdir(), 'gw-cli-copy-'));
    try {
      const migrate = await cli(['migrate'], { cwd: copy });
      expect(migrate.code, migrate.stderr).toBe(0);
      const env = {
        DATA_DIR: join(copy, '.data'),
        BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
        BOOTSTRAP_ADMIN_PASSWORD: 'root-password-123',
      };
      const orgResult = await cli(['org:create', '--name', 'Acme', '--json'], { cwd: copy, env });
      expect(orgResult.code, orgResult.stderr).toBe(0);
      const { id } = JSON.parse(orgResult.stdout) as { id: string };
      expect((await cli(['key:create', '--org', id, '--name', 'a', '--scopes', 'client:read'], { cwd: copy, env })).code).toBe(0);
      unlinkSync(join(copy, '.data', 'api-key-pepper'));
      const refused = await cli(['key:create', '--org', id, '--name', 'b', '--scopes', 'client:read'], { cwd: copy, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('API_KEY_PEPPER');
      expect(existsSync(join(copy, '.data', 'api-key-pepper'))).toBe(false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('migrate may create a database where it is run', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'gw-cli-fresh-'));
    try {
      const result = await cli(['migrate'], { cwd: fresh });
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(fresh, '.data', 'gateway.sqlite'))).toBe(true);
      // …after which the operator commands work there.
      expect((await cli(['org:create', '--name', 'Acme'], { cwd: fresh })).code).toBe(0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
