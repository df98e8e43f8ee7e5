// Issue 17: retiring API_KEY_PEPPER_PREVIOUS, the procedure of the server README ("Key hygiene"):
// start on pepper A, move to pepper B with A as previous, rotate every key until
// GET /system/health counts none on the older pepper, then restart without A.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SCOPES } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, SYSTEM_KEY_SCOPES } from './auth-matrix.js';
import { createTestDatabase, DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';

const PEPPER_A = 'pepper-A-0123456789abcdef0123456789abcdef';
const PEPPER_B = 'pepper-B-fedcba9876543210fedcba9876543210';
const WHOAMI = '/api/v1/auth/whoami';
const N = 3;

describe.each(DIALECTS)('pepper retirement (%s)', (dialect) => {
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> } | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gw-pepper-'));
    if (dialect === 'postgres') database = await createTestDatabase();
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  /** A server on the same database each time (SQLite: the same DATA_DIR), with the given peppers. */
  const start = (env: Record<string, string>) =>
    startTestServer({
      dialect,
      ...(database ? { databaseUrl: database.url } : {}),
      env: { DATA_DIR: dataDir, API_KEY_PEPPER: PEPPER_A, ...env },
    });
  const pepperHealth = async (server: TestServer) => {
    const sys = await server.createSystemKey(SYSTEM_KEY_SCOPES);
    const res = await server.request('GET', '/api/v1/system/health', { token: sys.token });
    expect(res.status).toBe(200);
    // Revoked keys never count: the key made to ask leaves the counts as they were.
    await server.gateway.keys.revoke({ tier: 'system' }, sys.id, 'health probe', OPERATOR);
    return res.body.apiKeyPepper;
  };

  it('counts keys on the previous pepper until each is rotated; then the previous pepper can go', async () => {
    // 1. Pepper A (version 1): n keys, plus a revoked one that never counts.
    let server = await start({});
    const org = await server.createOrganization('Pepper');
    const owner = { tier: 'organization' as const, organizationId: org };
    const keys = [];
    for (let i = 0; i < N; i++) keys.push(await server.createOrgKey(org, ['invoice:read'], { name: `k${i}` }));
    const revoked = await server.createOrgKey(org, ['invoice:read']);
    await server.gateway.keys.revoke(owner, revoked.id, 'test', OPERATOR);
    expect(await pepperHealth(server)).toEqual({
      currentVersion: 1,
      previousConfigured: false,
      keysOnOlderPepper: 0,
      graceSecretsOnOlderPepper: 0,
    });
    await server.close();

    // 2. Pepper B (version 2), A still accepted: every key works and is counted.
    server = await start({ API_KEY_PEPPER: PEPPER_B, API_KEY_PEPPER_VERSION: '2', API_KEY_PEPPER_PREVIOUS: PEPPER_A });
    for (const k of keys) expect((await server.request('GET', WHOAMI, { token: k.token })).status).toBe(200);
    // Use does not re-hash: the count stays n until a rotation.
    expect(await pepperHealth(server)).toEqual({
      currentVersion: 2,
      previousConfigured: true,
      keysOnOlderPepper: N,
      graceSecretsOnOlderPepper: 0,
    });
    const rotated: string[] = [];
    for (const [i, k] of keys.entries()) {
      const grace = i === 0 ? 3600 : 0;
      rotated.push((await server.gateway.keys.rotate(owner, k.id, grace, { scopes: ALL_SCOPES, origin: OPERATOR })).token);
      expect((await pepperHealth(server)).keysOnOlderPepper).toBe(N - i - 1);
    }
    // The first key's old secret is still in its grace period, hashed with A.
    expect(await pepperHealth(server)).toMatchObject({ keysOnOlderPepper: 0, graceSecretsOnOlderPepper: 1 });
    await server.close();

    // 3. Without the previous pepper: every rotated key works; an old secret still in grace does not.
    server = await start({ API_KEY_PEPPER: PEPPER_B, API_KEY_PEPPER_VERSION: '2' });
    for (const token of rotated) expect((await server.request('GET', WHOAMI, { token })).status).toBe(200);
    expectError(await server.request('GET', WHOAMI, { token: keys[0]!.token }), 401, 'INVALID_CREDENTIALS');
    expect(await pepperHealth(server)).toMatchObject({ currentVersion: 2, previousConfigured: false, keysOnOlderPepper: 0 });
    await server.close();
  });

  it('a key not rotated before the previous pepper is removed stops working (why the count must be 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-pepper-'));
    const db = dialect === 'postgres' ? await createTestDatabase() : null;
    const at = (env: Record<string, string>) =>
      startTestServer({ dialect, ...(db ? { databaseUrl: db.url } : {}), env: { DATA_DIR: dir, ...env } });
    try {
      let server = await at({ API_KEY_PEPPER: PEPPER_A });
      const org = await server.createOrganization('Forgotten');
      const key = await server.createOrgKey(org, ['invoice:read']);
      await server.close();
      server = await at({ API_KEY_PEPPER: PEPPER_B, API_KEY_PEPPER_VERSION: '2', API_KEY_PEPPER_PREVIOUS: PEPPER_A });
      expect((await server.request('GET', WHOAMI, { token: key.token })).status).toBe(200);
      expect((await pepperHealth(server)).keysOnOlderPepper).toBe(1);
      await server.close();
      server = await at({ API_KEY_PEPPER: PEPPER_B, API_KEY_PEPPER_VERSION: '2' });
      expectError(await server.request('GET', WHOAMI, { token: key.token }), 401, 'INVALID_CREDENTIALS');
      await server.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db?.drop();
    }
  });
});
