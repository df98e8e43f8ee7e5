import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type HttpResult, type TestServer } from './harness.js';
import { ADMIN, createUser, selected, sessionToken, startSessionServer } from './session-helpers.js';

function expectError(res: HttpResult, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
}

const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();
const inTwoHours = () => new Date(Date.now() + 7_200_000).toISOString();

/** SPEC §2 "no escalation covers restrictions too" (issue #11, escalation). */
describe.each(DIALECTS)('no escalation beyond scopes (%s)', (dialect) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    admin = await sessionToken(server, ADMIN);
  });
  afterAll(async () => server?.close());

  describe('global admins need a global-admin session', () => {
    it('a system key holding only system:update cannot create a global admin (issue sample)', async () => {
      const key = await server.createSystemKey(['system:update']);
      const body = { email: 'ga@example.test', name: 'ga', password: 'Chosen-Password-1', globalAdmin: true };
      expectError(await server.request('POST', '/api/v1/system/users', { token: key.token, body }), 403, 'GLOBAL_ADMIN_SESSION_REQUIRED');
      // Nothing was created: the email is still free and cannot sign in.
      expect((await server.request('POST', '/api/v1/auth/login', { body: { email: body.email, password: body.password } })).status).toBe(
        401,
      );
    });

    it('no system key can, whatever it holds', async () => {
      const key = await server.createSystemKey(['system:*', 'organization:*', 'api_key:*']);
      const body = { email: `ga-${Date.now()}@example.test`, name: 'ga', password: 'Chosen-Password-1', globalAdmin: true };
      expectError(await server.request('POST', '/api/v1/system/users', { token: key.token, body }), 403, 'GLOBAL_ADMIN_SESSION_REQUIRED');
    });

    it('a system key may still create ordinary users (globalAdmin false or absent)', async () => {
      const key = await server.createSystemKey(['system:update']);
      for (const extra of [{}, { globalAdmin: false }]) {
        const body = {
          email: `plain-${Math.random().toString(36).slice(2)}@example.test`,
          name: 'p',
          password: 'Chosen-Password-1',
          ...extra,
        };
        const res = await server.request('POST', '/api/v1/system/users', { token: key.token, body });
        expect(res.status).toBe(201);
        expect(res.body.globalAdmin).toBe(false);
      }
    });

    it('a global-admin session creates a global admin', async () => {
      const body = { email: `ga2-${Date.now()}@example.test`, name: 'ga', password: 'Chosen-Password-1', globalAdmin: true };
      const res = await server.request('POST', '/api/v1/system/users', { token: admin, body });
      expect(res.status).toBe(201);
      expect(res.body.globalAdmin).toBe(true);
    });

    it('a non-admin session cannot reach user creation at all', async () => {
      const org = await server.createOrganization();
      const orgAdmin = await sessionToken(server, await createUser(server, { roles: { [org]: 'admin' } }));
      const body = { email: `x-${Date.now()}@example.test`, name: 'x', password: 'Chosen-Password-1', globalAdmin: true };
      expectError(await server.request('POST', '/api/v1/system/users', { token: orgAdmin, body }), 403, 'GLOBAL_ADMIN_REQUIRED');
    });
  });

  describe('keys minted or changed by a key are at least as restricted as it', () => {
    let org: string;
    const path = () => `/api/v1/organizations/${org}/api-keys`;
    beforeAll(async () => {
      org = await server.createOrganization();
    });
    const restricted = () =>
      server.createOrgKey(org, ['api_key:create', 'api_key:update', 'api_key:execute', 'api_key:read', 'client:read'], {
        ipAllowlist: ['127.0.0.1'],
        expiresAt: inOneHour(),
      });

    it('the issue sample: no allowlist and no expiry → 403; self-loosening → 403', async () => {
      const parent = await restricted();
      const minted = await server.request('POST', path(), { token: parent.token, body: { name: 'child', scopes: ['client:read'] } });
      expectError(minted, 403, 'KEY_RESTRICTION_ESCALATION');
      expectError(
        await server.request('PUT', `${path()}/${parent.id}`, { token: parent.token, body: { ipAllowlist: null } }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      expectError(
        await server.request('PUT', `${path()}/${parent.id}`, { token: parent.token, body: { expiresAt: null } }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      expectError(
        await server.request('PUT', `${path()}/${parent.id}`, { token: parent.token, body: { expiresAt: inTwoHours() } }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      expectError(
        await server.request('PUT', `${path()}/${parent.id}`, { token: parent.token, body: { ipAllowlist: ['127.0.0.0/8'] } }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      const after = await server.request('GET', `${path()}/${parent.id}`, { token: admin });
      expect(after.body).toMatchObject({ ipAllowlist: ['127.0.0.1/32'], expiresAt: parent.expiresAt });
    });

    it('each refused variant of a child: wider CIDR, extra CIDR, other family, later or absent expiry', async () => {
      const parent = await server.createOrgKey(org, ['api_key:create', 'client:read'], {
        ipAllowlist: ['127.0.0.0/24', '2001:db8::/48'],
        expiresAt: inOneHour(),
      });
      const exp = new Date(Date.now() + 1_800_000).toISOString();
      const refused = [
        { ipAllowlist: ['127.0.0.0/16'], expiresAt: exp },
        { ipAllowlist: ['127.0.0.1', '10.0.0.1'], expiresAt: exp },
        { ipAllowlist: ['2001:db8::/32'], expiresAt: exp },
        { ipAllowlist: ['::/0'], expiresAt: exp },
        { ipAllowlist: ['127.0.0.1'], expiresAt: inTwoHours() },
        { ipAllowlist: ['127.0.0.1'] },
        { expiresAt: exp },
      ];
      for (const extra of refused) {
        const res = await server.request('POST', path(), { token: parent.token, body: { name: 'c', scopes: ['client:read'], ...extra } });
        expectError(res, 403, 'KEY_RESTRICTION_ESCALATION');
      }
      const ok = await server.request('POST', path(), {
        token: parent.token,
        body: {
          name: 'c',
          scopes: ['client:read'],
          ipAllowlist: ['127.0.0.1', '127.0.0.128/25', '2001:db8:0:1::/64', '::ffff:127.0.0.5'],
          expiresAt: exp,
        },
      });
      expect(ok.status).toBe(201);
      expect(ok.body.expiresAt).toBe(exp);
    });

    it('a key cannot loosen, rotate or re-restrict a less restricted key', async () => {
      const parent = await restricted();
      const open = await server.createOrgKey(org, ['client:read']);
      expectError(
        await server.request('PUT', `${path()}/${open.id}`, { token: parent.token, body: { name: 'renamed' } }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      expectError(
        await server.request('POST', `${path()}/${open.id}/rotate`, { token: parent.token, body: {} }),
        403,
        'KEY_RESTRICTION_ESCALATION',
      );
      // Tightening another key into its own bounds is allowed.
      const tightened = await server.request('PUT', `${path()}/${open.id}`, {
        token: parent.token,
        body: { ipAllowlist: ['127.0.0.1'], expiresAt: parent.expiresAt },
      });
      expect(tightened.status).toBe(200);
      const rotated = await server.request('POST', `${path()}/${open.id}/rotate`, {
        token: parent.token,
        body: { gracePeriodSeconds: 604800 },
      });
      expect(rotated.status).toBe(200);
      // The grace period never outlives the key, hence never the caller.
      expect(new Date(rotated.body.previousSecretExpiresAt).getTime()).toBeLessThanOrEqual(new Date(parent.expiresAt!).getTime());
    });

    it('a key may tighten itself and rotate itself', async () => {
      const parent = await restricted();
      const sooner = new Date(Date.now() + 600_000).toISOString();
      const res = await server.request('PUT', `${path()}/${parent.id}`, { token: parent.token, body: { expiresAt: sooner } });
      expect(res.status).toBe(200);
      expect(res.body.expiresAt).toBe(sooner);
      const rotated = await server.request('POST', `${path()}/${parent.id}/rotate`, { token: parent.token, body: {} });
      expect(rotated.status).toBe(200);
    });

    it('a system key with an allowlist bounds the org keys it mints', async () => {
      const sys = await server.createSystemKey(['api_key:*']);
      await server.gateway.keys.update(
        { tier: 'system' },
        sys.id,
        { ipAllowlist: ['127.0.0.1'] },
        { scopes: ['api_key:*'], origin: { actor: { type: 'system', id: 't' }, requestId: null, ip: null } },
      );
      const open = await server.request('POST', path(), { token: sys.token, body: { name: 'c', scopes: ['api_key:read'] } });
      expectError(open, 403, 'KEY_RESTRICTION_ESCALATION');
      const ok = await server.request('POST', path(), {
        token: sys.token,
        body: { name: 'c', scopes: ['api_key:read'], ipAllowlist: ['127.0.0.1'] },
      });
      expect(ok.status).toBe(201);
    });

    it('sessions are not bounded: an admin session mints an unrestricted key', async () => {
      const res = await server.request('POST', path(), { token: admin, body: { name: 'free', scopes: ['client:read'] } });
      expect(res.status).toBe(201);
    });
  });

  describe('organization state applies to every principal', () => {
    it('a global admin cannot write in an offboarded organization (issue sample) but can read it', async () => {
      const org = await server.createOrganization('Gone');
      await server.gateway.organizations.offboard(org, { actor: { type: 'system', id: 't' }, requestId: null, ip: null });
      const write = await server.request('POST', '/api/v1/clients', {
        token: admin,
        headers: selected(org),
        body: { email: 'c@example.com', name: 'C' },
      });
      expectError(write, 403, 'ORGANIZATION_INACTIVE');
      expectError(
        await server.request('POST', `/api/v1/organizations/${org}/api-keys`, {
          token: admin,
          body: { name: 'k', scopes: ['client:read'] },
        }),
        403,
        'ORGANIZATION_INACTIVE',
      );
      expect((await server.request('GET', '/api/v1/clients', { token: admin, headers: selected(org) })).status).toBe(200);
      expect((await server.request('GET', `/api/v1/organizations/${org}/api-keys`, { token: admin })).status).toBe(200);
      const sys = await server.createSystemKey(['api_key:*']);
      expectError(
        await server.request('POST', `/api/v1/organizations/${org}/api-keys`, {
          token: sys.token,
          body: { name: 'k', scopes: ['client:read'] },
        }),
        403,
        'ORGANIZATION_INACTIVE',
      );
    });

    it('an organization that does not exist: 404 for operators, never a 5xx (issue sample)', async () => {
      const missing = 'org_doesnotexist0000000';
      const write = await server.request('POST', '/api/v1/clients', {
        token: admin,
        headers: selected(missing),
        body: { email: 'c@example.com', name: 'C' },
      });
      expectError(write, 400, 'ORGANIZATION_CONTEXT_REQUIRED');
      expectError(
        await server.request('GET', '/api/v1/clients', { token: admin, headers: selected(missing) }),
        400,
        'ORGANIZATION_CONTEXT_REQUIRED',
      );
      expectError(
        await server.request('GET', '/api/v1/invoices', { token: admin, headers: selected('garbage value') }),
        400,
        'ORGANIZATION_CONTEXT_REQUIRED',
      );
      for (const odd of ['%00', 'org_%00aaaaaaaaaaaaaaaaaaaa', '%F0%9F%92%A9', 'x'.repeat(5000)]) {
        expectError(
          await server.request('POST', '/api/v1/clients', {
            token: admin,
            headers: selected(odd),
            body: { email: 'c@example.com', name: 'C' },
          }),
          400,
          'ORGANIZATION_CONTEXT_REQUIRED',
        );
        expectError(await server.request('GET', `/api/v1/organizations/${odd}/api-keys`, { token: admin }), 404, 'NOT_FOUND');
      }
      expectError(await server.request('GET', `/api/v1/organizations/${missing}/api-keys`, { token: admin }), 404, 'NOT_FOUND');
      const sys = await server.createSystemKey(['api_key:*']);
      expectError(
        await server.request('POST', `/api/v1/organizations/${missing}/api-keys`, {
          token: sys.token,
          body: { name: 'k', scopes: ['client:read'] },
        }),
        404,
        'NOT_FOUND',
      );
      // A member of another organization learns nothing: the same 403 whether or not it exists.
      const org = await server.createOrganization();
      const member = await sessionToken(server, await createUser(server, { roles: { [org]: 'admin' } }));
      const other = await server.createOrganization();
      const a = await server.request('POST', '/api/v1/clients', {
        token: member,
        headers: selected(missing),
        body: { email: 'c@example.com', name: 'C' },
      });
      const b = await server.request('POST', '/api/v1/clients', {
        token: member,
        headers: selected(other),
        body: { email: 'c@example.com', name: 'C' },
      });
      expectError(a, 403, 'NOT_ORGANIZATION_MEMBER');
      expect({ ...a.body, requestId: '' }).toEqual({ ...b.body, requestId: '' });
    });
  });
});
