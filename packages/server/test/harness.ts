import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SCOPES, type ApiKeyWithToken, type Scope } from '@payment-gateway/contract';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { createGateway, type Gateway } from '../src/app.js';
import type { RequestOrigin } from '../src/audit/audit-log.js';
import { loadConfig } from '../src/config.js';

/** The databases every HTTP suite runs on. PostgreSQL only when TEST_DATABASE_URL is set. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const DIALECTS: readonly ('sqlite' | 'postgres')[] = TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (!TEST_DATABASE_URL) console.log('[harness] TEST_DATABASE_URL is not set: PostgreSQL variants of the HTTP suites are skipped');

export const OPERATOR: RequestOrigin = { actor: { type: 'system', id: 'test' }, requestId: null, ip: null };

export interface TestServerOptions {
  dialect?: 'sqlite' | 'postgres';
  /** Extra environment (validated like production configuration). */
  env?: Record<string, string>;
  now?: () => Date;
  /** Reuse an existing database (PostgreSQL: a URL from createTestDatabase) to run several instances. */
  databaseUrl?: string;
  /** Logger the gateway writes to (tests that inspect logs pass one over a memory stream). @default a silent logger */
  logger?: Logger;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  url: string;
  gateway: Gateway;
  databaseUrl: string | undefined;
  request<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  /** Creates an organization directly through the service (operator). */
  createOrganization(name?: string): Promise<string>;
  /** Creates an organization key directly through the service with the given scopes. */
  createOrgKey(
    organizationId: string,
    scopes: readonly Scope[],
    extra?: { expiresAt?: string; ipAllowlist?: string[]; name?: string },
  ): Promise<ApiKeyWithToken>;
  /** Creates a system key directly through the service. */
  createSystemKey(scopes: readonly Scope[]): Promise<ApiKeyWithToken>;
  close(): Promise<void>;
}

/** A fresh PostgreSQL database for one test file (so files can run in parallel). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const name = `gw_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts a real server on a free port over a real database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dialect = options.dialect ?? 'sqlite';
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-test-'));
  let ownDb: { url: string; drop(): Promise<void> } | null = null;
  let databaseUrl = options.databaseUrl;
  if (dialect === 'postgres' && !databaseUrl) {
    ownDb = await createTestDatabase();
    databaseUrl = ownDb.url;
  }
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    // Generous limits so suites are not throttled unless they test throttling.
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_5_MINUTES: '500000',
    AUTH_FAILURE_LIMIT_PER_MINUTE: '100000',
    // No recurring-processing timer unless a suite asks for one: runs happen through POST /system/recurring/process.
    RECURRING_INTERVAL_MS: '0',
    ...(databaseUrl
      ? {
          DATABASE_URL: databaseUrl,
          API_KEY_PEPPER: 'test-pepper-0123456789abcdef0123456789',
          JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
        }
      : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const gateway = await createGateway(config, {
    logger: options.logger ?? pino({ level: 'silent' }),
    // The generated bootstrap password banner is for humans at a terminal, not test logs.
    announce: () => {},
    ...(options.now ? { now: options.now } : {}),
  });
  const url = await gateway.listen();

  return {
    url,
    gateway,
    databaseUrl,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    async createOrganization(name = 'Acme') {
      return (await gateway.organizations.create({ name }, OPERATOR)).id;
    },
    async createOrgKey(organizationId, scopes, extra = {}) {
      return gateway.keys.create(
        { tier: 'organization', organizationId },
        { name: extra.name ?? 'test key', scopes: [...scopes], expiresAt: extra.expiresAt, ipAllowlist: extra.ipAllowlist },
        { scopes: ALL_SCOPES, origin: OPERATOR },
      );
    },
    async createSystemKey(scopes) {
      return gateway.keys.create(
        { tier: 'system' },
        { name: 'system test key', scopes: [...scopes] },
        { scopes: ALL_SCOPES, origin: OPERATOR },
      );
    },
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
      await ownDb?.drop();
    },
  };
}
