/**
 * Secret settings from files, end to end: the bundled CLI (dist/payment-gateway.mjs, what users
 * run) starts with every secret given as `<NAME>_FILE`, on SQLite and PostgreSQL, and uses them:
 * the bootstrap admin signs in with the password from its file, the access token is signed with
 * the JWT secret from its file, and a key created by the CLI with the same files authenticates
 * on the server (same pepper). A bad secret file stops the start with an error that names the
 * variable and the path and contains no secret. Needs the build; skips without it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jwtVerify } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS } from './harness.js';
import { waitForListening } from './support/listening.js';

const serverDir = fileURLToPath(new URL('../', import.meta.url));
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
const built = existsSync(BUNDLE);
if (!built) console.warn(`[config-secret-files-cli] skipped: ${BUNDLE} does not exist; build the server first`);

const run = promisify(execFile);
const PEPPER = 'file-pepper-SECRET-0123456789abcdefghijklmn';
const JWT_SECRET = 'file-jwt-SECRET-0123456789abcdefghijklmnopq';
const PASSWORD = 'file-admin-SECRET-password';
const EMAIL = 'file-admin@example.com';

const scratch: string[] = [];
const children: ChildProcess[] = [];
const databases: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  for (const db of databases) await db.drop();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A directory with each secret in its own file (with the trailing newline editors and `echo` add). */
function secretsDir(secrets: Record<string, string>): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'gw-secret-files-cli-'));
  scratch.push(dir);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(secrets)) {
    const path = join(dir, name.toLowerCase());
    writeFileSync(path, `${value}\n`, { mode: 0o600 });
    env[`${name}_FILE`] = path;
  }
  return { dir, env };
}

function baseEnv(dataDir: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', BOOTSTRAP_ADMIN_EMAIL: EMAIL };
}

/** Starts the bundle; resolves with its URL, or rejects with everything it printed. */
function start(env: Record<string, string>): Promise<string> {
  const proc = spawn(process.execPath, [BUNDLE, 'start'], { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  return waitForListening(proc);
}

/** Runs the bundle to completion: its exit code and everything it printed. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, [BUNDLE, 'start'], { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, output })));
}

describe.skipIf(!built)('secret settings from <NAME>_FILE with the bundled CLI', () => {
  describe.each(DIALECTS)('%s', (dialect) => {
    it('starts with every secret from a file and uses each one', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gw-secret-files-data-'));
      scratch.push(dataDir);
      const secrets: Record<string, string> = { API_KEY_PEPPER: PEPPER, JWT_SECRET: JWT_SECRET, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD };
      if (dialect === 'postgres') {
        const db = await createTestDatabase();
        databases.push(db);
        secrets.DATABASE_URL = db.url;
      }
      const { env: fileEnv } = secretsDir(secrets);
      const env = { ...baseEnv(dataDir), ...fileEnv };
      const url = await start(env);

      // The bootstrap admin's password came from its file, without the newline.
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      // Signed with the JWT secret from its file.
      await expect(jwtVerify(token, new TextEncoder().encode(JWT_SECRET))).resolves.toBeTruthy();

      // A key the CLI creates with the same files authenticates on the server: one pepper.
      const org = JSON.parse(
        (await run(process.execPath, [BUNDLE, 'org:create', '--name', 'Files Inc', '--json'], { cwd: tmpdir(), env })).stdout,
      ) as { id: string };
      const key = JSON.parse(
        (
          await run(
            process.execPath,
            [BUNDLE, 'key:create', '--org', org.id, '--name', 'from files', '--scopes', 'client:read', '--json'],
            { cwd: tmpdir(), env },
          )
        ).stdout,
      ) as { token: string };
      const whoami = await fetch(`${url}/api/v1/auth/whoami`, { headers: { authorization: `Bearer ${key.token}` } });
      expect(whoami.status).toBe(200);
      // Nothing was generated into the data directory in their place.
      const generated = existsSync(dataDir) ? readdirSync(dataDir) : [];
      expect(generated).not.toContain('api-key-pepper');
      expect(generated).not.toContain('jwt-secret');
    });
  });

  it('refuses to start on an unreadable secret file or a secret given twice, naming the variable and the path only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gw-secret-files-data-'));
    scratch.push(dataDir);
    const { dir, env: fileEnv } = secretsDir({ JWT_SECRET: JWT_SECRET, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD });
    const missing = join(dir, 'no-such-pepper');
    const bad = await runToExit({ ...baseEnv(dataDir), ...fileEnv, API_KEY_PEPPER_FILE: missing, JWT_SECRET: JWT_SECRET });
    expect(bad.code).toBe(1);
    expect(bad.output).toContain(`API_KEY_PEPPER_FILE: cannot read the file ${missing} (ENOENT)`);
    expect(bad.output).toContain(`JWT_SECRET: set both JWT_SECRET and JWT_SECRET_FILE (${fileEnv.JWT_SECRET_FILE})`);
    for (const secret of [PEPPER, JWT_SECRET, PASSWORD]) expect(bad.output).not.toContain(secret);
    expect(bad.output).not.toContain('listening');
  });
});
