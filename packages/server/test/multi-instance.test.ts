import type { Scope } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_DATABASE_URL } from './harness.js';
import { startInstances, type Instance } from './support/instances.js';
import { expectRejectedEverywhere } from './support/propagation.js';

// SPEC §4.3, §7.2, §8: three server processes on one PostgreSQL database. A change that takes
// power away from a key, made through instance A, holds on B and C within the window.
if (!TEST_DATABASE_URL) console.log('[multi-instance] TEST_DATABASE_URL is not set: the multi-instance PostgreSQL suite is skipped');

const MANAGER_SCOPES: Scope[] = ['api_key:*', 'invoice:read', 'client:read'];
const ADMIN = { email: 'root@example.com', password: 'multi-instance-admin-password' };

describe.skipIf(!TEST_DATABASE_URL)('three instances on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let instances: Instance[] = [];
  let a: Instance;
  let orgId: string;
  let manager: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Started together on an empty database: migrations must tolerate concurrent starts.
    instances = await startInstances(3, {
      databaseUrl: db.url,
      env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
    });
    a = instances[0]!;
    orgId = await a.createOrganization('Multi');
    manager = (await a.createKey(orgId, MANAGER_SCOPES)).token;
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await db?.drop();
  });

  const whoami = (token: string) => (i: Instance) => i.request('GET', '/api/v1/auth/whoami', { token });
  const keyPath = (id: string) => `/api/v1/organizations/${orgId}/api-keys/${id}`;

  it('runs each instance in its own process with its own subscribed change feed', async () => {
    expect(new Set(instances.map((i) => i.pid)).size).toBe(3);
    const statuses = await Promise.all(instances.map((i) => i.status()));
    for (const s of statuses) expect(s.feed).toBe('subscribed');
    expect(new Set(statuses.map((s) => s.listenerPid)).size).toBe(3);
  });

  it('revoke through A: every instance answers API_KEY_REVOKED within the window, and nothing succeeds after it', async () => {
    const key = await a.createKey(orgId, ['invoice:read']);
    await expectRejectedEverywhere({
      instances,
      probe: whoami(key.token),
      rejected: { status: 401, code: 'API_KEY_REVOKED' },
      act: async () => {
        const res = await a.request('POST', `${keyPath(key.id)}/revoke`, { token: manager, body: { reason: 'leaked' } });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe('revoked');
      },
    });
  });

  it('delete through A: the key stops working on every instance like a revoked one', async () => {
    const key = await a.createKey(orgId, ['invoice:read']);
    await expectRejectedEverywhere({
      instances,
      probe: whoami(key.token),
      rejected: { status: 401, code: 'INVALID_CREDENTIALS' },
      act: async () => {
        expect((await a.request('DELETE', keyPath(key.id), { token: manager })).status).toBe(204);
      },
    });
  });

  it('rotate with grace 0 through A: the old secret stops everywhere, the new one works everywhere', async () => {
    const key = await a.createKey(orgId, ['invoice:read']);
    let rotated = '';
    await expectRejectedEverywhere({
      instances,
      probe: whoami(key.token),
      rejected: { status: 401, code: 'INVALID_CREDENTIALS' },
      act: async () => {
        const res = await a.request('POST', `${keyPath(key.id)}/rotate`, { token: manager, body: { gracePeriodSeconds: 0 } });
        expect(res.status).toBe(200);
        rotated = res.body.token;
      },
    });
    for (const i of instances) expect((await whoami(rotated)(i)).body).toMatchObject({ keyId: key.id });
  });

  it('scope reduction through A: every instance answers INSUFFICIENT_SCOPE within the window', async () => {
    const key = await a.createKey(orgId, ['api_key:read', 'invoice:read']);
    await expectRejectedEverywhere({
      instances,
      probe: (i) => i.request('GET', `/api/v1/organizations/${orgId}/api-keys?limit=1`, { token: key.token }),
      rejected: { status: 403, code: 'INSUFFICIENT_SCOPE' },
      act: async () => {
        const res = await a.request('PUT', keyPath(key.id), { token: manager, body: { scopes: ['invoice:read'] } });
        expect(res.status).toBe(200);
        expect(res.body.scopes).toEqual(['invoice:read']);
      },
    });
    // What the key may still do, it still does everywhere.
    for (const i of instances) expect((await whoami(key.token)(i)).status).toBe(200);
  });

  it('organization offboarding through A: every key of the organization is rejected on every instance', async () => {
    const doomed = await a.createOrganization('Doomed');
    const key = await a.createKey(doomed, ['invoice:read']);
    const admin = await a.createKey(null, ['organization:delete', 'organization:read']);
    await expectRejectedEverywhere({
      instances,
      probe: whoami(key.token),
      rejected: { status: 401, code: 'API_KEY_REVOKED' },
      act: async () => {
        const res = await a.request('DELETE', `/api/v1/system/organizations/${doomed}`, { token: admin.token });
        expect(res.status).toBe(200);
      },
    });
  });

  it('sign-out through A: the access token is refused on every instance', async () => {
    const login = await a.request('POST', '/api/v1/auth/login', { body: ADMIN });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    await expectRejectedEverywhere({
      instances,
      probe: whoami(token),
      rejected: { status: 401, code: 'SESSION_EXPIRED' },
      act: async () => {
        expect((await a.request('POST', '/api/v1/auth/logout', { token })).status).toBe(204);
      },
    });
  });

  it('reports the change-feed subscription in /api/v1/system/health', async () => {
    const admin = await a.createKey(null, ['system:read']);
    const res = await instances[1]!.request('GET', '/api/v1/system/health', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: { dialect: 'postgres' },
      changeFeed: { status: 'subscribed' },
      cache: { readThrough: false },
    });
  });
});
