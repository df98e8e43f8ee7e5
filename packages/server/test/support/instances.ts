import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKeyWithToken, Organization, Scope } from '@payment-gateway/contract';
import type { InstanceCommand, InstanceStatus } from './gateway-entry.js';
import { disposeInstanceBundle, instanceBundle } from './instance-bundle.js';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  /** Response headers (Retry-After, …). */
  headers?: Headers;
}

/** What one request carries besides method and path. */
export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Extra request headers (X-Forwarded-For, …). */
  headers?: Record<string, string>;
}

/** One gateway server in its own OS process (own pool, own LISTEN connection, own cache). */
export interface Instance {
  name: string;
  url: string;
  pid: number;
  request<T = any>(method: string, path: string, opts?: RequestOptions): Promise<HttpResult<T>>;
  status(): Promise<InstanceStatus>;
  createOrganization(name?: string): Promise<string>;
  createKey(organizationId: string | null, scopes: Scope[]): Promise<ApiKeyWithToken>;
  offboard(organizationId: string): Promise<Organization>;
  /** Everything the process wrote (pino JSON lines on stdout, anything on stderr). */
  output(): string;
  /** Resolves when the process has exited; rejects nothing. */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

export interface InstanceOptions {
  databaseUrl: string;
  /** @default 'warn' */
  logLevel?: string;
  env?: Record<string, string>;
}

/** Environment shared by every instance of one deployment (SPEC §8: shared database and secrets). */
export function deploymentEnv(o: InstanceOptions, dataDir: string): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: o.logLevel ?? 'warn',
    DATABASE_URL: o.databaseUrl,
    API_KEY_PEPPER: 'multi-instance-pepper-0123456789abcdef0123',
    JWT_SECRET: 'multi-instance-jwt-secret-0123456789abcdef0',
    // The spec's defaults for the cache, spelled out: the tests rely on 5 s being far beyond the window.
    KEY_CACHE_MAX_AGE_MS: '5000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_5_MINUTES: '5000000',
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    ...o.env,
  };
}

export async function request<T = any>(baseUrl: string, method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Spawns `node <instance bundle>` and waits until it listens. */
export async function startInstance(name: string, o: InstanceOptions): Promise<Instance> {
  const entry = await instanceBundle();
  const dataDir = mkdtempSync(join(tmpdir(), `gw-${name}-`));
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', ...deploymentEnv(o, dataDir) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance ${name} did not start within 30 s:\n${out}`)), 30_000);
    child.on('message', (m: { ready?: string; id?: number; result?: unknown; error?: string }) => {
      if (m.ready) {
        clearTimeout(timer);
        resolve(m.ready);
      } else if (m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(`${name}: ${m.error}`));
        else p?.resolve(m.result);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`instance ${name} exited with ${code}:\n${out}`));
      for (const p of pending.values()) p.reject(new Error(`instance ${name} exited with ${code}`));
    });
  });
  const call = <T>(cmd: InstanceCommand) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd });
    });
  return {
    name,
    url,
    pid: child.pid!,
    request: (method, path, opts) => request(url, method, path, opts),
    status: () => call<InstanceStatus>({ op: 'status' }),
    createOrganization: async (orgName = 'Acme') => (await call<Organization>({ op: 'createOrganization', name: orgName })).id,
    createKey: (organizationId, scopes) => call<ApiKeyWithToken>({ op: 'createKey', organizationId, scopes }),
    offboard: (organizationId) => call<Organization>({ op: 'offboard', organizationId }),
    output: () => out,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        await Promise.race([call({ op: 'close' }).catch(() => {}), exited, sleep(5000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Several instances on one database, started in parallel; A, B, C, … */
export async function startInstances(count: number, o: InstanceOptions): Promise<Instance[]> {
  const names = Array.from({ length: count }, (_, i) => String.fromCharCode(65 + i));
  const settled = await Promise.allSettled(names.map((n) => startInstance(n, o)));
  disposeInstanceBundle();
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((i) => i.close()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return started;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
