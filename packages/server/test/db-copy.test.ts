/**
 * SPEC §8, issue 18: `payment-gateway db:copy` moves an embedded deployment to PostgreSQL without
 * re-issuing a key. An embedded database is filled through the API (organizations, org and
 * system keys, one rotated in its grace period, one revoked, one expired, dashboard sessions,
 * clients, invoices, schedules, magic links, portal sessions, audit events); the CLI (bundled
 * from the sources, run as its own process) copies it into a fresh PostgreSQL database; two
 * instances start there with the pepper and JWT secret the copy's next steps name (by file);
 * every credential and record behaves as it did on SQLite, on both instances.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingOrg, tokenOf } from './billing-fixtures.js';
import { createTestDatabase, startTestServer, TEST_DATABASE_URL, type TestServer } from './harness.js';
import { ADMIN, login } from './session-helpers.js';
import { runCli } from './support/cli-process.js';
import { cliBundle, disposeCliBundle } from './support/instance-bundle.js';
import { type Instance, startInstances } from './support/instances.js';

if (!TEST_DATABASE_URL) console.log('[db-copy] TEST_DATABASE_URL is not set: the SQLite → PostgreSQL copy suite is skipped');

const MINT = '/api/v1/organizations/settings/portal/magic-links';
const CONSUME = '/api/v1/portal/auth/magic-link';
const WHOAMI = '/api/v1/auth/whoami';
/** A password in the target URL (the throwaway cluster trusts local connections and ignores it): it must never be printed. */
const URL_PASSWORD = 'copy-PASSWORD-never-printed';

type Probe = { status: number; body: unknown };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a credential gets from whoami: the whole body when accepted, the status and code when refused. */
function outcome(res: { status: number; body: any }): Probe {
  return res.status === 200 ? { status: 200, body: res.body } : { status: res.status, body: res.body?.code };
}

/** A record list without the fields that legitimately move when a credential is used (lastUsedAt). */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'lastUsedAt' ? undefined : v)));
}

/** Every row of every table, each value as text, rows sorted: equal iff both databases hold the same data. */
function rowsAsText(rows: Record<string, unknown>[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .sort()
          .map((k) => [k, r[k] === null ? null : Buffer.isBuffer(r[k]) ? (r[k] as Buffer).toString('hex') : String(r[k])]),
      ),
    )
    .sort();
}

describe.skipIf(!TEST_DATABASE_URL)('db:copy: an embedded deployment moved to PostgreSQL behaves the same', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-db-copy-'));
  let server: TestServer | null = null;
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  let targetUrl: string;
  let instances: Instance[] = [];
  let bundle: string;

  /** Credentials by name, and what each got on SQLite. */
  const tokens: Record<string, string> = {};
  const before: Record<string, Probe> = {};
  /** Record lists (path → body, read with a system or org key) on SQLite. */
  const lists: Record<string, { token: string; body: unknown }> = {};
  let refreshCookie = '';
  let accessToken = '';
  let unusedLinkToken = '';
  let usedLinkToken = '';
  let portalToken = '';
  let orgId = '';
  let systemToken = '';
  let copyOutput = '';

  beforeAll(async () => {
    bundle = await cliBundle();
    target = await createTestDatabase();
    const u = new URL(target.url);
    u.password = URL_PASSWORD;
    targetUrl = u.toString();

    server = await startTestServer({
      dialect: 'sqlite',
      env: { DATA_DIR: dataDir, BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    });
    const s = server;
    const ok = async (method: string, path: string, token: string, body?: unknown) => {
      const res = await s.request(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
      return res.body;
    };

    // A dashboard session of the bootstrap admin (access token + refresh cookie).
    const signedIn = await login(s, ADMIN.email, ADMIN.password);
    expect(signedIn.status).toBe(200);
    accessToken = signedIn.token;
    refreshCookie = signedIn.refreshCookie;
    tokens.session = accessToken;

    // System tier: the first system key from the operator, the second through the API.
    systemToken = (await s.createSystemKey(['system:*', 'organization:*', 'api_key:*'])).token;
    tokens.system = systemToken;
    tokens.system2 = (await ok('POST', '/api/v1/system/api-keys', accessToken, { name: 'second', scopes: ['system:read'] })).token;

    // Organizations and billing data through the API.
    const acme = await createBillingOrg(s, 'Acme');
    orgId = acme.organizationId;
    tokens.billing = acme.token;
    const other = (await ok('POST', '/api/v1/system/organizations', systemToken, { name: 'Other' })).id as string;
    const { clientId } = await acme.customerWithIssuedInvoice('alice@example.com');
    await acme.createInvoice(clientId);
    await acme.createSchedule(clientId, '2031-01-01');
    const keys = `/api/v1/organizations/${orgId}/api-keys`;
    // The org's key manager from the operator; every other org key through the API.
    const manager = (await s.createOrgKey(orgId, ['api_key:*', 'client:read', 'invoice:read', 'portal:create'], { name: 'manager' })).token;
    tokens.manager = manager;
    tokens.otherOrg = (
      await ok('POST', `/api/v1/organizations/${other}/api-keys`, systemToken, { name: 'other', scopes: ['api_key:read'] })
    ).token;

    // Key lifecycle: rotated (both secrets valid during the grace period), revoked, expired.
    const rotated = await ok('POST', keys, manager, { name: 'rotated', scopes: ['client:read'] });
    tokens.rotatedOld = rotated.token;
    tokens.rotatedNew = (await ok('POST', `${keys}/${rotated.id}/rotate`, manager, { gracePeriodSeconds: 3600 })).token;
    const revoked = await ok('POST', keys, manager, { name: 'revoked', scopes: ['client:read'] });
    tokens.revoked = revoked.token;
    await ok('POST', `${keys}/${revoked.id}/revoke`, manager, { reason: 'leaked' });
    // Far enough ahead to be accepted on a busy machine; waited out below.
    const expiresAt = Date.now() + 5000;
    tokens.expired = (
      await ok('POST', keys, manager, { name: 'expiring', scopes: ['client:read'], expiresAt: new Date(expiresAt).toISOString() })
    ).token;
    tokens.unknown = `${tokens.billing.slice(0, -4)}AAAA`;

    // Portal links: one used, one not.
    const portalKey = (await ok('POST', keys, manager, { name: 'portal', scopes: ['portal:create'] })).token;
    usedLinkToken = tokenOf((await ok('POST', MINT, portalKey, { email: 'alice@example.com' })).url);
    unusedLinkToken = tokenOf((await ok('POST', MINT, portalKey, { email: 'alice@example.com' })).url);
    const consumed = await s.request('POST', CONSUME, { body: { token: usedLinkToken } });
    expect(consumed.status).toBe(200);
    portalToken = consumed.body.token;

    await sleep(Math.max(0, expiresAt - Date.now() + 100)); // the expiring key is now expired
    for (const [name, token] of Object.entries(tokens)) before[name] = outcome(await s.request('GET', WHOAMI, { token }));
    expect(before.expired).toEqual({ status: 401, body: 'API_KEY_EXPIRED' });
    expect(before.revoked).toEqual({ status: 401, body: 'API_KEY_REVOKED' });
    expect(before.rotatedOld!.status).toBe(200);

    for (const [path, token] of [
      ['/api/v1/system/organizations?limit=100', systemToken],
      ['/api/v1/system/users?limit=100', systemToken],
      [`${keys}?limit=100`, manager],
      ['/api/v1/clients?limit=100', acme.token],
      ['/api/v1/invoices?limit=100', acme.token],
      ['/api/v1/invoices/recurring?limit=100', acme.token],
      ['/api/v1/portal/invoices', portalToken],
    ] as const) {
      lists[path] = { token, body: stable(await ok('GET', path, token)) };
    }
    // The audit log last: reading the lists above writes nothing to it.
    lists['/api/v1/system/audit-events?limit=100'] = {
      token: systemToken,
      body: await ok('GET', '/api/v1/system/audit-events?limit=100', systemToken),
    };

    await s.close();
    server = null;

    const copy = await runCli(bundle, ['db:copy', '--to', targetUrl], { DATA_DIR: dataDir });
    copyOutput = copy.stdout + copy.stderr;
    expect(copy.code, copyOutput).toBe(0);

    instances = await startInstances(2, {
      databaseUrl: target.url,
      // As the copy's next steps say: the generated secrets of DATA_DIR, by file.
      env: {
        API_KEY_PEPPER: '',
        JWT_SECRET: '',
        API_KEY_PEPPER_FILE: join(dataDir, 'api-key-pepper'),
        JWT_SECRET_FILE: join(dataDir, 'jwt-secret'),
      },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await Promise.all(instances.map((i) => i.close()));
    disposeCliBundle();
    await target?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the next steps with the secret files by path, never a secret or the URL password', () => {
    const pepper = readFileSync(join(dataDir, 'api-key-pepper'), 'utf8').trim();
    const jwt = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
    expect(copyOutput).toContain(`API_KEY_PEPPER_FILE=${join(dataDir, 'api-key-pepper')}`);
    expect(copyOutput).toContain(`JWT_SECRET_FILE=${join(dataDir, 'jwt-secret')}`);
    expect(copyOutput).toContain(':***@');
    for (const secret of [pepper, jwt, URL_PASSWORD]) expect(copyOutput).not.toContain(secret);
  });

  it('copies every row of every table: the target holds exactly the embedded data', async () => {
    const sqlite = new SQLite(join(dataDir, 'gateway.sqlite'), { readonly: true });
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      const tables = (
        sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[]
      ).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['api_keys', 'audit_events', 'sessions', 'magic_links', 'invoices']));
      for (const table of tables.filter((t) => !t.startsWith('gateway_migrations'))) {
        const expected = rowsAsText(sqlite.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]);
        const actual = rowsAsText((await client.query(`select * from "${table}"`)).rows);
        expect(actual, table).toEqual(expected);
      }
    } finally {
      sqlite.close();
      await client.end();
    }
  });

  it('every key, session and portal credential gets the same answer from both instances as it did on SQLite', async () => {
    for (const instance of instances) {
      for (const [name, token] of Object.entries(tokens)) {
        expect(outcome(await instance.request('GET', WHOAMI, { token })), `${name} on ${instance.name}`).toEqual(before[name]);
      }
      const portal = await instance.request('GET', '/api/v1/portal/session', { token: portalToken });
      expect(portal.status).toBe(200);
    }
  });

  it('every record reads the same on both instances', async () => {
    for (const instance of instances) {
      for (const [path, { token, body }] of Object.entries(lists)) {
        const res = await instance.request('GET', path, { token });
        expect(res.status, `${path} on ${instance.name}`).toBe(200);
        expect(stable(res.body), `${path} on ${instance.name}`).toEqual(body);
      }
    }
  });

  it('single-use and rotating credentials keep their state: a used link stays used, an unused one works once, the refresh token rotates', async () => {
    const [a, b] = instances as [Instance, Instance];
    expect((await a.request('POST', CONSUME, { body: { token: usedLinkToken } })).status).toBe(401);
    const exchanged = await b.request('POST', CONSUME, { body: { token: unusedLinkToken } });
    expect(exchanged.status).toBe(200);
    expect((await a.request('GET', '/api/v1/portal/invoices', { token: exchanged.body.token })).status).toBe(200);
    expect((await a.request('POST', CONSUME, { body: { token: unusedLinkToken } })).status).toBe(401);

    // The dashboard session: its refresh token (stored hashed) rotates on A; the new access token works on B.
    const rotated = await fetch(`${a.url}/api/v1/auth/refresh-token`, { method: 'POST', headers: { cookie: refreshCookie } });
    expect(rotated.status).toBe(200);
    const { token } = (await rotated.json()) as { token: string };
    expect((await b.request('GET', WHOAMI, { token })).status).toBe(200);
  });

  it('new writes on PostgreSQL continue the copied data: new keys verify everywhere, the audit log keeps growing after the copied events', async () => {
    const [a, b] = instances as [Instance, Instance];
    const created = await a.request('POST', `/api/v1/organizations/${orgId}/api-keys`, {
      token: tokens.manager,
      body: { name: 'after the move', scopes: ['client:read'] },
    });
    expect(created.status).toBe(201);
    expect((await b.request('GET', WHOAMI, { token: created.body.token })).status).toBe(200);
    const audit = await b.request('GET', '/api/v1/system/audit-events?limit=100', { token: systemToken });
    expect(audit.status).toBe(200);
    // Newest first by the sequence the copy moved past the copied events: the new event is on top,
    // and the copied events follow in their original order.
    expect(audit.body.items[0]).toMatchObject({ action: 'api_key.created', target: { type: 'api_key', id: created.body.id } });
    const copiedIds = (lists['/api/v1/system/audit-events?limit=100']!.body as { items: { id: string }[] }).items.map((e) => e.id);
    const nowIds = (audit.body.items as { id: string }[]).map((e) => e.id).filter((id) => copiedIds.includes(id));
    expect(nowIds).toEqual(copiedIds);
  });

  it('refuses a second copy into the now non-empty target, with a clear error, and changes nothing', async () => {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    const countKeys = async () => Number((await client.query('select count(*) as n from api_keys')).rows[0].n);
    try {
      const keysBefore = await countKeys();
      const again = await runCli(bundle, ['db:copy', '--to', targetUrl], { DATA_DIR: dataDir });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('TARGET_NOT_EMPTY');
      expect(again.stderr).toContain('already holds data');
      expect(again.stderr + again.stdout).not.toContain(URL_PASSWORD);
      expect(await countKeys()).toBe(keysBefore);
    } finally {
      await client.end();
    }
  });
});
