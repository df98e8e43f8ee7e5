import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Redis the test runner started (scripts/test.mjs → scripts/redis.mjs), if any. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL;

function redisServerBinary(): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return null;
}

/**
 * Why the Redis suites skip, or null when they run. They run wherever redis-server is installed
 * or TEST_REDIS_URL is set, and always under CI (.ci/run installs redis-server): there a missing
 * Redis fails the suites loudly instead of skipping them.
 */
export function redisSkipReason(): string | null {
  if (TEST_REDIS_URL || process.env.CI || redisServerBinary()) return null;
  return 'redis-server is not installed (Debian package redis-server) and TEST_REDIS_URL is not set';
}

/** A redis-server of the test's own, which it may kill and start again on the same port. */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** SIGKILL: the process is gone and every connection to it drops (no graceful shutdown). */
  kill(): Promise<void>;
  /** Starts a fresh, empty server on the same port (after kill). */
  start(): Promise<void>;
  /**
   * SIGSTOP: a hung Redis. The kernel still accepts connections and takes requests, nothing
   * ever answers, nothing is closed. `resume()` (SIGCONT) answers what waited.
   */
  pause(): void;
  resume(): void;
  destroy(): Promise<void>;
}

function freePort(): number {
  const out = execFileSync(
    process.execPath,
    ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

function pong(port: number, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.on('connect', () => s.write(`${password ? `AUTH ${password}\r\n` : ''}PING\r\n`));
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('PONG')) done(true);
    });
    s.on('error', () => done(false));
  });
}

export interface ThrowawayRedisOptions {
  /** Required of clients (`requirepass`); the URL then carries it. @default none */
  password?: string;
}

/**
 * Starts redis-server on a free port: bound to 127.0.0.1, no persistence, so a restart is an
 * empty Redis (what a Redis without persistence looks like after a crash).
 * @throws Error when redis-server is not installed or does not answer within 10 s
 */
export async function startThrowawayRedis(o: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
  const bin = redisServerBinary();
  if (!bin) throw new Error('redis-server is not installed (Debian package redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'redis-own-'));
  const port = freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const start = async () => {
    const auth = o.password ? ['--requirepass', o.password] : [];
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...auth], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await pong(port, o.password))) {
      if (Date.now() > deadline || c.exitCode !== null) throw new Error(`redis-server did not start on ${port}:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    child = null;
  };
  await start();
  return {
    url: o.password ? `redis://:${encodeURIComponent(o.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    port,
    kill,
    start,
    pause: () => void (child as ChildProcess | null)?.kill('SIGSTOP'),
    resume: () => void (child as ChildProcess | null)?.kill('SIGCONT'),
    async destroy() {
      (child as ChildProcess | null)?.kill('SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Redis a suite that does not kill it uses: TEST_REDIS_URL, or a throwaway of its own when
 * Vitest runs without the test runner. `release` stops only what this call started.
 */
export async function sharedRedis(): Promise<{ url: string; release(): Promise<void> }> {
  if (TEST_REDIS_URL) return { url: TEST_REDIS_URL, release: async () => {} };
  const own = await startThrowawayRedis();
  return { url: own.url, release: () => own.destroy() };
}
