import pg from 'pg';
import { createTestDatabase } from '../harness.js';
import { disposeInstanceBundle } from './instance-bundle.js';
import { startInstance, type Instance } from './instances.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface ProxiedInstanceOptions {
  /** Extra environment of the instance (DATABASE_TIMEOUT_MS, FEED_LIVENESS_MS, …). @default {} */
  env?: Record<string, string>;
}

/** What a PostgreSQL fault test works with; `close()` ends all of it (the matching afterAll). */
export interface ProxiedInstance {
  /** The throwaway database of this test file (`db.url` is the direct URL). */
  db: { url: string; drop(): Promise<void> };
  /** The TCP proxy between the instance and PostgreSQL: `reset()`, `blackhole()`, `heal()`. */
  proxy: TcpProxy;
  /** The gateway in its own process, connected through `proxy` (so it migrated the database). */
  gw: Instance;
  /** A direct connection (around the proxy) for the test's own queries and row locks; its errors are ignored. */
  admin: pg.Client;
  /** Ends the admin connection, the instance, the proxy, and drops the database; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The fixture the SPEC §7.4 fault tests share: a throwaway PostgreSQL database, a TCP proxy in
 * front of it, one gateway instance named `name` through the proxy (its bundle disposed once
 * loaded), and an admin `pg.Client` straight to the database. Needs TEST_DATABASE_URL.
 * Whatever started before a failure is closed again before the error is thrown.
 * @example
 * let f: ProxiedInstance;
 * beforeAll(async () => { f = await startProxiedInstance('G', { env: { DATABASE_TIMEOUT_MS: '1000' } }); });
 * afterAll(async () => f?.close());
 */
export async function startProxiedInstance(name: string, options: ProxiedInstanceOptions = {}): Promise<ProxiedInstance> {
  const started: Partial<Omit<ProxiedInstance, 'close'>> = {};
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await started.admin?.end().catch(() => {});
    await started.gw?.close();
    await started.proxy?.close();
    await started.db?.drop();
  };
  try {
    started.db = await createTestDatabase();
    started.proxy = await startTcpProxy(started.db.url);
    started.gw = await startInstance(name, { databaseUrl: started.proxy.url, env: options.env ?? {} });
    disposeInstanceBundle();
    const admin = new pg.Client({ connectionString: started.db.url });
    // The tests cut connections on purpose; a lost admin connection shows as a failed query.
    admin.on('error', () => {});
    started.admin = admin;
    await admin.connect();
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  const { db, proxy, gw, admin } = started as Omit<ProxiedInstance, 'close'>;
  return { db, proxy, gw, admin, close };
}
