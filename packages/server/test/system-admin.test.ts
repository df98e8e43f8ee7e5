import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestServer } from './harness.js';
import { ADMIN, createUser, selected, sessionToken, startSessionServer } from './session-helpers.js';

const SYSTEM_SCOPES = ['system:*', 'organization:*', 'api_key:*'] as const;

/** SPEC §4.2, §4.5 and §3 for system keys and global-admin sessions. */
describe.each(DIALECTS)('system administration (%s)', (dialect) => {
  let server: TestServer;
  let sysKey: string;
  let admin: string;
  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    sysKey = (await server.createSystemKey([...SYSTEM_SCOPES])).token;
    admin = await sessionToken(server, ADMIN);
  });
  afterAll(async () => server?.close());

  it('a system key provisions, lists, gets and updates organizations', async () => {
    const created = await server.request('POST', '/api/v1/system/organizations', { token: sysKey, body: { name: 'Provisioned' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Provisioned', status: 'active', portalEnabled: true });
    const id = created.body.id;
    expect((await server.request('GET', `/api/v1/system/organizations/${id}`, { token: sysKey })).body.id).toBe(id);
    const patched = await server.request('PATCH', `/api/v1/system/organizations/${id}`, { token: sysKey, body: { name: 'Renamed' } });
    expect(patched.body.name).toBe('Renamed');
    const list = await server.request('GET', '/api/v1/system/organizations?limit=1&status=active', { token: sysKey });
    expect(list.body).toMatchObject({ page: 1, limit: 1 });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    expect((await server.request('GET', '/api/v1/system/organizations/org_doesnotexist0000000', { token: sysKey })).status).toBe(404);
  });

  it('a system key creates users and sets and removes memberships; the user can then sign in', async () => {
    const org = await server.createOrganization();
    const email = `made-by-key-${Date.now()}@example.com`;
    const created = await server.request('POST', '/api/v1/system/users', {
      token: sysKey,
      body: { email, name: 'Made', password: 'long enough password' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email, globalAdmin: false, memberships: [] });
    expect(created.body).not.toHaveProperty('password');
    expect(
      (
        await server.request('POST', '/api/v1/system/users', {
          token: sysKey,
          body: { email, name: 'Again', password: 'long enough password' },
        })
      ).status,
    ).toBe(409);
    const set = await server.request('PUT', `/api/v1/system/organizations/${org}/members/${created.body.id}`, {
      token: sysKey,
      body: { role: 'editor' },
    });
    expect(set.body).toEqual({ organizationId: org, role: 'editor' });
    const users = await server.request('GET', '/api/v1/system/users?limit=100', { token: sysKey });
    expect(users.body.items.find((u: { id: string }) => u.id === created.body.id).memberships).toEqual([
      { organizationId: org, role: 'editor' },
    ]);
    const token = await sessionToken(server, { email, password: 'long enough password' });
    expect((await server.request('GET', `/api/v1/organizations/${org}/api-keys`, { token })).status).toBe(200);
    expect(
      (await server.request('DELETE', `/api/v1/system/organizations/${org}/members/${created.body.id}`, { token: sysKey })).status,
    ).toBe(204);
    expect(
      (await server.request('DELETE', `/api/v1/system/organizations/${org}/members/${created.body.id}`, { token: sysKey })).status,
    ).toBe(404);
    const audit = await server.request('GET', `/api/v1/system/audit-events?organizationId=${org}`, { token: sysKey });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['membership.role_set', 'membership.removed']),
    );
    const userEvents = await server.request('GET', '/api/v1/system/audit-events?action=user.created&limit=100', { token: sysKey });
    const ev = userEvents.body.items.find((e: { target: { id: string } }) => e.target.id === created.body.id);
    expect(ev.actor.type).toBe('api_key');
    expect(JSON.stringify(ev)).not.toContain('long enough password');
  });

  it('a system key manages org keys of any organization', async () => {
    const org = await server.createOrganization();
    const path = `/api/v1/organizations/${org}/api-keys`;
    const created = await server.request('POST', path, { token: sysKey, body: { name: 'provisioned', scopes: ['api_key:read'] } });
    expect(created.status).toBe(201);
    expect((await server.request('GET', path, { token: sysKey })).body.total).toBe(1);
    expect((await server.request('POST', `${path}/${created.body.id}/revoke`, { token: sysKey, body: {} })).status).toBe(200);
  });

  it('every other org-scoped route answers 403 ORGANIZATION_SCOPED_ROUTE to a system key', async () => {
    const org = await server.createOrganization();
    for (const [method, path, headers] of [
      ['GET', '/api/v1/organizations/settings', selected(org)],
      ['PATCH', '/api/v1/organizations/settings', {}],
      ['GET', `/api/v1/organizations/${org}/audit-events`, {}],
    ] as const) {
      const res = await server.request(method, path, { token: sysKey, headers, ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) });
      expect(res.status, path).toBe(403);
      expect(res.body.code, path).toBe('ORGANIZATION_SCOPED_ROUTE');
    }
  });

  it('only global-admin sessions manage /system/api-keys; a system key there is refused', async () => {
    expect((await server.request('GET', '/api/v1/system/api-keys', { token: sysKey })).status).toBe(403);
    expect(
      (await server.request('POST', '/api/v1/system/api-keys', { token: sysKey, body: { name: 'x', scopes: ['system:read'] } })).status,
    ).toBe(403);
    const created = await server.request('POST', '/api/v1/system/api-keys', {
      token: admin,
      body: { name: 'ops', scopes: ['system:read'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.tier).toBe('system');
    const health = await server.request('GET', '/api/v1/system/health', { token: created.body.token });
    expect(health.status).toBe(200);
    // Scope still applies: system:read cannot provision.
    const denied = await server.request('POST', '/api/v1/system/organizations', { token: created.body.token, body: { name: 'nope' } });
    expect(denied.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { requiredScope: 'organization:create' } });
    expect((await server.request('POST', `/api/v1/system/api-keys/${created.body.id}/revoke`, { token: admin, body: {} })).status).toBe(
      200,
    );
    expect((await server.request('GET', '/api/v1/system/health', { token: created.body.token })).body.code).toBe('API_KEY_REVOKED');
  });

  it('deep health reports database, change feed, cache, version and uptime', async () => {
    const res = await server.request('GET', '/api/v1/system/health', { token: sysKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      database: { status: 'ok', dialect },
      changeFeed: { status: dialect === 'postgres' ? 'subscribed' : 'in-process' },
      cache: { maxAgeMs: 5000, readThrough: false },
      rateLimits: { store: 'memory', status: 'ok' },
    });
    expect(res.body.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.body.cache.entries).toBeGreaterThanOrEqual(1);
    expect(res.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect((await server.request('GET', '/health')).body).toEqual({ status: 'ok' });
  });

  it('settings: validated, audited and effective at once (maxGracePeriodSeconds caps rotation)', async () => {
    const org = await server.createOrganization();
    const key = await server.createOrgKey(org, ['invoice:read']);
    const orgAdmin = await sessionToken(server, await createUser(server, { roles: { [org]: 'admin' } }));
    const rotate = (grace: number) =>
      server.request('POST', `/api/v1/organizations/${org}/api-keys/${key.id}/rotate`, {
        token: orgAdmin,
        body: { gracePeriodSeconds: grace },
      });
    expect((await rotate(3600)).status).toBe(200);
    const bad = await server.request('PUT', '/api/v1/system/settings', {
      token: sysKey,
      body: { keyPolicy: { maxGracePeriodSeconds: 60 } },
    });
    expect(bad.status).toBe(400); // the default (86400) would exceed the maximum
    expect((await server.request('PUT', '/api/v1/system/settings', { token: sysKey, body: { keyPolicy: { bogus: 1 } } })).status).toBe(400);
    const put = await server.request('PUT', '/api/v1/system/settings', {
      token: sysKey,
      body: { keyPolicy: { maxGracePeriodSeconds: 60, defaultGracePeriodSeconds: 30 } },
    });
    expect(put.status).toBe(200);
    expect(put.body.keyPolicy).toMatchObject({ maxGracePeriodSeconds: 60, defaultGracePeriodSeconds: 30 });
    expect(put.body.portal.magicLinkTtlMinutes).toBe(15);
    const capped = await rotate(3600);
    expect(capped.status).toBe(400);
    expect(capped.body.code).toBe('INVALID_GRACE_PERIOD');
    expect((await server.request('GET', '/api/v1/system/settings', { token: admin })).body.keyPolicy.maxGracePeriodSeconds).toBe(60);
    const audit = await server.request('GET', '/api/v1/system/audit-events?action=settings.updated', { token: sysKey });
    expect(audit.body.items[0]).toMatchObject({ action: 'settings.updated', actor: { type: 'api_key' } });
    await server.request('PUT', '/api/v1/system/settings', {
      token: sysKey,
      body: { keyPolicy: { maxGracePeriodSeconds: 604800, defaultGracePeriodSeconds: 86400 } },
    });
  });

  it('audit events filter by organization, actor, action and time, and page', async () => {
    const org = await server.createOrganization();
    for (let i = 0; i < 3; i++) await server.createOrgKey(org, ['invoice:read']);
    const all = await server.request('GET', `/api/v1/system/audit-events?organizationId=${org}&action=api_key.created`, { token: sysKey });
    expect(all.body.total).toBe(3);
    const page2 = await server.request('GET', `/api/v1/system/audit-events?organizationId=${org}&action=api_key.created&limit=2&page=2`, {
      token: sysKey,
    });
    expect(page2.body).toMatchObject({ total: 3, page: 2, limit: 2 });
    expect(page2.body.items).toHaveLength(1);
    const future = await server.request('GET', `/api/v1/system/audit-events?organizationId=${org}&from=2999-01-01T00:00:00.000Z`, {
      token: sysKey,
    });
    expect(future.body.total).toBe(0);
    const byActor = await server.request('GET', `/api/v1/system/audit-events?organizationId=${org}&actorId=test`, { token: sysKey });
    expect(byActor.body.total).toBeGreaterThanOrEqual(3);
    expect((await server.request('GET', '/api/v1/system/audit-events?limit=500', { token: sysKey })).status).toBe(400);
  });

  it('offboarding: the organization’s keys fail at once with API_KEY_REVOKED and members get 403', async () => {
    const org = await server.createOrganization('Leaving');
    const key = await server.createOrgKey(org, ['api_key:read']);
    const member = await sessionToken(server, await createUser(server, { roles: { [org]: 'admin' } }));
    const keysPath = `/api/v1/organizations/${org}/api-keys`;
    expect((await server.request('GET', keysPath, { token: key.token })).status).toBe(200);
    expect((await server.request('GET', keysPath, { token: member })).status).toBe(200);
    const off = await server.request('DELETE', `/api/v1/system/organizations/${org}`, { token: sysKey });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'offboarded' });
    const byKey = await server.request('GET', keysPath, { token: key.token });
    expect(byKey.status).toBe(401);
    expect(byKey.body.code).toBe('API_KEY_REVOKED');
    const byMember = await server.request('GET', keysPath, { token: member });
    expect(byMember.status).toBe(403);
    expect(byMember.body.code).toBe('ORGANIZATION_INACTIVE');
  });
});
