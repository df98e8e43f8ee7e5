// Real server processes for the HTTP, revocation and memory benchmarks, spawned with plain
// node, loopback only: the built CLI (the package's `bin`, the bundle dist/payment-gateway.mjs),
// and for the HTTP benchmarks a gateway process built through the library (gateway-server.mjs).
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
const serverRoot = join(dirname(require.resolve('@payment-gateway/server')), '..');
const serverBin = JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')).bin['payment-gateway'];
/** The built server CLI (the package's `bin`), found through the package so the bench runs what users run. */
export const CLI = join(serverRoot, serverBin);
/** The same CLI as tsc emitted it, one file per module (what `bin` was before the bundle): startup comparison only. */
export const CLI_UNBUNDLED = join(serverRoot, 'dist', 'cli.js');
/** A gateway process built through the library, which can switch authentication off (gateway-server.mjs). */
export const GATEWAY_SERVER = fileURLToPath(new URL('./gateway-server.mjs', import.meta.url));
/** A bare Express 5 app that answers one JSON body on one route (bare-express-server.mjs). */
export const BARE_EXPRESS_SERVER = fileURLToPath(new URL('./bare-express-server.mjs', import.meta.url));

const run = promisify(execFile);

/** Secrets every benchmark instance shares (PostgreSQL instances must agree on them). */
export const BENCH_SECRETS = {
  API_KEY_PEPPER: 'bench-pepper-0123456789abcdef0123456789abcdef',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
  // A configured first admin, so a first start does not print a generated password.
  BOOTSTRAP_ADMIN_EMAIL: 'bench-admin@example.com',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench-admin-password-0123456789',
};

/**
 * Limits high enough that a benchmark measures the server, not its throttling: the defaults
 * (100 requests per key per minute) would turn a load test into a 429 test.
 */
export const UNTHROTTLED = {
  RATE_LIMIT_PER_MINUTE: '1000000000',
  RATE_LIMIT_PER_5_MINUTES: '1000000000',
  AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000000',
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A fresh data directory (the SQLite file and generated secrets live there). */
export function tempDataDir() {
  return mkdtempSync(join(tmpdir(), 'gw-bench-'));
}

/** Environment of one instance: embedded SQLite in dataDir unless databaseUrl is given. */
export function serverEnv({ dataDir, databaseUrl, port = 0, extra = {} }) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...BENCH_SECRETS,
    ...UNTHROTTLED,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extra,
  };
}

/** Runs a CLI command with `--json` and parses its output. */
export async function cliJson(env, args) {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--json'], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

/**
 * Creates an organization and one organization key through the CLI; returns ids and token.
 * Applies the migrations first (`migrate`): the CLI refuses to create a database implicitly.
 */
export async function provisionKey(env, scopes, name = 'bench key') {
  await run(process.execPath, [CLI, 'migrate'], { env, maxBuffer: 1 << 20 });
  const org = await cliJson(env, ['org:create', '--name', 'Bench Org']);
  const key = await cliJson(env, ['key:create', '--org', org.id, '--name', name, '--scopes', scopes.join(',')]);
  return { orgId: org.id, keyId: key.id, token: key.token };
}

/** Polls GET /health until it answers 200; resolves the milliseconds it took since `since`. */
export async function waitForHealth(url, since, timeoutMs = 20_000) {
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      /* not listening yet */
    }
    if (performance.now() - since > timeoutMs) throw new Error(`${url} did not become healthy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Spawns `payment-gateway start` and waits for /health. `startupMs` is spawn → first 200.
 * @returns {Promise<{ url: string, pid: number, startupMs: number, exitCode: number | string | null, stop(): Promise<void> }>}
 */
export function startServer({ env, port, cli = CLI }) {
  return startProcess({ args: [cli, 'start'], env, port });
}

/**
 * Spawns gateway-server.mjs (same configuration as `payment-gateway start`, from env). With
 * `bypassToken`, the gateway is created with GatewayOptions.authenticationBypass acting as that
 * key: same routes, same middleware, no credential proven per request.
 */
export function startGatewayServer({ env, port, bypassToken, stdoutFile }) {
  return startProcess({ args: [GATEWAY_SERVER], env: bypassToken ? { ...env, BENCH_BYPASS_TOKEN: bypassToken } : env, port, stdoutFile });
}

/** The pipeline baseline: a bare Express 5 app answering `body` as JSON on `path` (bare-express-server.mjs). */
export function startBareExpressServer({ port, path, body }) {
  return startProcess({
    args: [BARE_EXPRESS_SERVER],
    env: { PATH: process.env.PATH, BENCH_PATH: path, BENCH_BODY: JSON.stringify(body) },
    port,
  });
}

/** The memory/startup baseline: a bare node:http server answering 200 to everything. */
export function startBareNodeServer({ port }) {
  const code = `require('node:http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'application/json' }); r.end('{"status":"ok"}'); }).listen(Number(process.env.PORT), '127.0.0.1')`;
  return startProcess({ args: ['-e', code], env: { PATH: process.env.PATH }, port });
}

/**
 * Spawns node with `args` on `port` and waits until GET /health answers 200. The child's stdout
 * (where the server's logs go) is discarded, or appended to `stdoutFile` when given.
 */
export async function startProcess({ args, env, port, stdoutFile }) {
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const out = stdoutFile ? openSync(stdoutFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { env: { ...env, PORT: String(port) }, stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') closeSync(out);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = exited.then((code) => {
    throw new Error(`server exited with ${code} before it was healthy:\n${stderr}`);
  });
  const startupMs = await Promise.race([waitForHealth(url, t0), failed]);
  failed.catch(() => {});
  return {
    url,
    pid: child.pid,
    startupMs,
    get stderr() {
      return stderr;
    },
    /** null while running; the exit code or signal once the process has ended. */
    get exitCode() {
      return child.exitCode ?? child.signalCode;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resident set size of a process in MiB, from /proc (Linux); NaN elsewhere. */
export function rssMiB(pid) {
  return procStatusKiB(pid, 'VmRSS') / 1024;
}

/** Peak resident set size of a process in MiB (VmHWM). */
export function peakRssMiB(pid) {
  return procStatusKiB(pid, 'VmHWM') / 1024;
}

function procStatusKiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
