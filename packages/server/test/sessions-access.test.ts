import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestServer } from './harness.js';
import { createUser, selected, sessionToken, startSessionServer } from './session-helpers.js';

/** SPEC §2.1 (roles through route metadata) and §3 (organization context) for dashboard sessions. */
describe.each(DIALECTS)('session roles and organization context (%s)', (dialect) => {
  let server: TestServer;
  let orgA: string;
  let orgB: string;
  const tokens: Record<'viewer' | 'editor' | 'admin' | 'outsider' | 'global', string> = {} as never;

  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    orgA = await server.createOrganization('Org A');
    orgB = await server.createOrganization('Org B');
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      tokens[role] = await sessionToken(server, await createUser(server, { roles: { [orgA]: role } }));
    }
    tokens.outsider = await sessionToken(server, await createUser(server, { roles: { [orgB]: 'admin' } }));
    tokens.global = await sessionToken(server, await createUser(server, { globalAdmin: true }));
  });
  afterAll(async () => server?.close());

  const keysPath = (org: string) => `/api/v1/organizations/${org}/api-keys`;
  const newKey = { name: 'ci', scopes: ['invoice:read'] };

  it('viewer: reads keys and settings, cannot create, change or delete', async () => {
    const t = tokens.viewer;
    expect((await server.request('GET', keysPath(orgA), { token: t })).status).toBe(200);
    expect((await server.request('GET', '/api/v1/organizations/settings', { token: t, headers: selected(orgA) })).status).toBe(200);
    const create = await server.request('POST', keysPath(orgA), { token: t, body: newKey });
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { requiredScope: 'api_key:create' } });
    const patch = await server.request('PATCH', '/api/v1/organizations/settings', {
      token: t,
      headers: selected(orgA),
      body: { name: 'x' },
    });
    expect(patch.body.code).toBe('INSUFFICIENT_SCOPE');
    const key = await server.createOrgKey(orgA, ['invoice:read']);
    expect((await server.request('DELETE', `${keysPath(orgA)}/${key.id}`, { token: t })).status).toBe(403);
  });

  it('editor: reads API keys but cannot create, rotate or revoke them, nor change organization settings', async () => {
    const t = tokens.editor;
    const key = await server.createOrgKey(orgA, ['invoice:read']);
    expect((await server.request('GET', `${keysPath(orgA)}/${key.id}`, { token: t })).status).toBe(200);
    expect((await server.request('POST', keysPath(orgA), { token: t, body: newKey })).body.code).toBe('INSUFFICIENT_SCOPE');
    expect((await server.request('POST', `${keysPath(orgA)}/${key.id}/revoke`, { token: t, body: {} })).body.code).toBe(
      'INSUFFICIENT_SCOPE',
    );
    const patch = await server.request('PATCH', '/api/v1/organizations/settings', {
      token: t,
      headers: selected(orgA),
      body: { name: 'x' },
    });
    expect(patch.status).toBe(403);
    expect(patch.body.details.requiredScope).toBe('organization:update');
  });

  it('admin: creates, revokes and deletes keys and changes organization settings; the audit names the user', async () => {
    const t = tokens.admin;
    const created = await server.request('POST', keysPath(orgA), { token: t, body: newKey });
    expect(created.status).toBe(201);
    expect(created.body.createdBy.type).toBe('user');
    expect((await server.request('POST', `${keysPath(orgA)}/${created.body.id}/revoke`, { token: t, body: {} })).status).toBe(200);
    expect((await server.request('DELETE', `${keysPath(orgA)}/${created.body.id}`, { token: t })).status).toBe(204);
    const patch = await server.request('PATCH', '/api/v1/organizations/settings', {
      token: t,
      headers: selected(orgA),
      body: { name: 'Org A renamed' },
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ organizationId: orgA, name: 'Org A renamed' });
    const audit = await server.request('GET', `/api/v1/organizations/${orgA}/audit-events?action=organization.updated`, { token: t });
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ organizationId: orgA, actor: { type: 'user' } });
    // No escalation: a session grants only what its role holds (system-tier scopes never).
    const esc = await server.request('POST', keysPath(orgA), { token: t, body: { name: 'x', scopes: ['organization:create'] } });
    expect(esc.status).toBeGreaterThanOrEqual(400);
  });

  it('a non-member gets 403 on path and cookie routes', async () => {
    const t = tokens.outsider;
    const byPath = await server.request('GET', keysPath(orgA), { token: t });
    expect(byPath.status).toBe(403);
    expect(byPath.body.code).toBe('NOT_ORGANIZATION_MEMBER');
    expect((await server.request('GET', `/api/v1/organizations/${orgA}/audit-events`, { token: t })).status).toBe(403);
    // A cookie for an organization the user is not in is refused.
    const byCookie = await server.request('GET', '/api/v1/organizations/settings', { token: t, headers: selected(orgA) });
    expect(byCookie.status).toBe(403);
    expect(byCookie.body.code).toBe('NOT_ORGANIZATION_MEMBER');
  });

  it(':orgId beats the selectedOrganization cookie', async () => {
    // Member of A only: path A with cookie B works; path B with cookie A is refused.
    const t = tokens.admin;
    expect((await server.request('GET', keysPath(orgA), { token: t, headers: selected(orgB) })).status).toBe(200);
    const res = await server.request('GET', keysPath(orgB), { token: t, headers: selected(orgA) });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('NOT_ORGANIZATION_MEMBER');
  });

  it('the cookie picks the organization on routes without :orgId; neither → 400', async () => {
    const res = await server.request('GET', '/api/v1/organizations/settings', { token: tokens.viewer, headers: selected(orgA) });
    expect(res.body.organizationId).toBe(orgA);
    const none = await server.request('GET', '/api/v1/organizations/settings', { token: tokens.viewer });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('ORGANIZATION_CONTEXT_REQUIRED');
  });

  it('X-Organization-ID is refused for sessions too', async () => {
    const cases: Record<string, string>[] = [{ 'X-Organization-ID': orgA }, { 'x-organization-id': orgB, ...selected(orgA) }];
    for (const headers of cases) {
      const res = await server.request('GET', '/api/v1/organizations/settings', { token: tokens.admin, headers });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('ORGANIZATION_HEADER_NOT_ALLOWED');
    }
  });

  it('a global admin acts as admin in any organization and may use system routes', async () => {
    const t = tokens.global;
    expect((await server.request('POST', keysPath(orgB), { token: t, body: newKey })).status).toBe(201);
    expect(
      (
        await server.request('PATCH', '/api/v1/organizations/settings', {
          token: t,
          headers: selected(orgB),
          body: { portalEnabled: false },
        })
      ).status,
    ).toBe(200);
    expect((await server.request('GET', '/api/v1/system/organizations', { token: t })).status).toBe(200);
    expect((await server.request('GET', '/api/v1/system/settings', { token: t })).status).toBe(200);
  });

  it('system routes and /system/api-keys refuse sessions that are not global admins', async () => {
    for (const path of ['/api/v1/system/organizations', '/api/v1/system/users', '/api/v1/system/health', '/api/v1/system/api-keys']) {
      const res = await server.request('GET', path, { token: tokens.admin });
      expect(res.status, path).toBe(403);
      expect(res.body.code, path).toBe('GLOBAL_ADMIN_REQUIRED');
    }
  });

  it('a role change takes effect at once; removing the membership ends access', async () => {
    const user = await createUser(server, { roles: { [orgA]: 'viewer' } });
    const t = await sessionToken(server, user);
    const admin = tokens.global;
    expect((await server.request('POST', keysPath(orgA), { token: t, body: newKey })).status).toBe(403);
    const set = await server.request('PUT', `/api/v1/system/organizations/${orgA}/members/${user.id}`, {
      token: admin,
      body: { role: 'admin' },
    });
    expect(set.status).toBe(200);
    expect((await server.request('POST', keysPath(orgA), { token: t, body: newKey })).status).toBe(201);
    expect((await server.request('DELETE', `/api/v1/system/organizations/${orgA}/members/${user.id}`, { token: admin })).status).toBe(204);
    expect((await server.request('GET', keysPath(orgA), { token: t })).body.code).toBe('NOT_ORGANIZATION_MEMBER');
  });
});
