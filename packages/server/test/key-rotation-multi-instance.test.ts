// Issue 17: the key-age policy across instances sharing one database. A settings change made on
// one instance applies on the other at once (the change feed evicts its settings cache; key
// due-ness is computed at each check from the cached key's timestamps), and the rotation-due
// audit event is written once however many instances see the due key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_ROTATION_DUE_HEADER } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, SYSTEM_KEY_SCOPES } from './auth-matrix.js';
import { createTestDatabase, DIALECTS, startTestServer, type TestServer } from './harness.js';

const DAY = 86_400_000;
const WHOAMI = '/api/v1/auth/whoami';
// Far longer than any wait below: only the change feed can make the other instance see a change.
const CACHE_MAX_AGE_MS = '60000';

describe.each(DIALECTS)('key rotation policy across instances (%s)', (dialect) => {
  const clock = createTestClock();
  let a: TestServer;
  let b: TestServer;
  let dataDir: string;
  let db: { url: string; drop(): Promise<void> } | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gw-rotation-mi-'));
    if (dialect === 'postgres') db = await createTestDatabase();
    const env = { DATA_DIR: dataDir, API_KEY_PEPPER: 'multi-instance-pepper-0123456789abcdef', KEY_CACHE_MAX_AGE_MS: CACHE_MAX_AGE_MS };
    a = await startTestServer({ dialect, now: clock.now, env, ...(db ? { databaseUrl: db.url } : {}) });
    b = await startTestServer({ dialect, now: clock.now, env, ...(db ? { databaseUrl: db.url } : {}) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Polls until `ok` (generous bound, never a speed assertion: the cache alone would take 60 s). */
  const eventually = async (probe: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await probe()) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  };
  const putPolicy = async (server: TestServer, keyPolicy: Record<string, unknown>) => {
    const sys = await server.createSystemKey(SYSTEM_KEY_SCOPES);
    const res = await server.request('PUT', '/api/v1/system/settings', { token: sys.token, body: { keyPolicy } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };

  it('a policy set on one instance applies on the other at once; the audit event is written once', async () => {
    const org = await a.createOrganization('Multi');
    const key = await a.createOrgKey(org, ['invoice:read']);
    clock.advance(40 * DAY);
    // B caches the key and the (default, off) settings.
    const before = await b.request('GET', WHOAMI, { token: key.token });
    expect(before.status).toBe(200);
    expect(before.headers.get(KEY_ROTATION_DUE_HEADER)).toBeNull();

    await putPolicy(a, { maxKeyAgeDays: 30 });
    const dueAt = new Date(Date.parse(key.createdAt) + 30 * DAY).toISOString();
    expect(
      await eventually(async () => (await b.request('GET', WHOAMI, { token: key.token })).headers.get(KEY_ROTATION_DUE_HEADER) === dueAt),
    ).toBe(true);
    // Both instances report it, several times each: one audit event.
    await Promise.all([a, b, a, b].map((s) => s.request('GET', WHOAMI, { token: key.token })));
    const events = () =>
      a.gateway.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('target_id', '=', key.id)
        .where('action', '=', 'api_key.rotation_due')
        .execute();
    expect(await eventually(async () => (await events()).length >= 1)).toBe(true);
    // Both instances' sweeps find the key due too: still one event.
    await Promise.all([a.gateway.rotationDue.sweep(), b.gateway.rotationDue.sweep()]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await events()).toHaveLength(1);

    // Enforcement switched on at A refuses the key on B too (grace 0: 10 days past due).
    await putPolicy(a, { enforceMaxKeyAge: true, rotationGraceDays: 0 });
    expect(
      await eventually(async () => (await b.request('GET', WHOAMI, { token: key.token })).body?.code === 'API_KEY_ROTATION_REQUIRED'),
    ).toBe(true);
    // A rotation on A resets the age on B.
    const rotated = await a.gateway.keys.rotate({ tier: 'organization', organizationId: org }, key.id, 0, {
      scopes: ['invoice:read'],
      origin: { actor: { type: 'system', id: 'test' }, requestId: null, ip: null },
    });
    expect(await eventually(async () => (await b.request('GET', WHOAMI, { token: rotated.token })).status === 200)).toBe(true);
    await putPolicy(a, { maxKeyAgeDays: null, enforceMaxKeyAge: false });
  });
});
