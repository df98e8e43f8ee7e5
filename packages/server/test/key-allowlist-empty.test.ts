import { ApiKey } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, ORG_KEY_SCOPES } from './auth-matrix.js';
import { DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';
import { createUser, sessionToken } from './session-helpers.js';

/**
 * An empty IP allowlist (`ipAllowlist: []`) would refuse every address: a client mistake, since
 * `null` says "no restriction". Both tiers refuse it on create and update (400 VALIDATION_FAILED
 * naming body.ipAllowlist), and a key stored with `[]` before that rule keeps refusing every
 * address (a stored restriction never widens silently) until it is changed.
 */
describe.each(DIALECTS)('empty IP allowlists (%s)', (dialect) => {
  let server: TestServer;
  let orgId: string;
  let orgAdmin: string;
  let systemAdmin: string;
  const tiers = () =>
    [
      ['organization', `/api/v1/organizations/${orgId}/api-keys`, orgAdmin, ['invoice:read']],
      ['system', '/api/v1/system/api-keys', systemAdmin, ['system:read']],
    ] as const;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    orgId = await server.createOrganization('Allowlists');
    orgAdmin = (await server.createOrgKey(orgId, ORG_KEY_SCOPES, { name: 'admin' })).token;
    // System keys are managed by global-admin sessions.
    systemAdmin = await sessionToken(server, await createUser(server, { globalAdmin: true }));
  });
  afterAll(async () => server?.close());

  const issuePaths = (body: { details?: { issues?: { path: string; message: string }[] } }) =>
    (body.details?.issues ?? []).map((i) => i.path);

  it('create refuses [] with 400 naming body.ipAllowlist and pointing to null', async () => {
    for (const [tier, base, token, scopes] of tiers()) {
      const res = await server.request('POST', base, { token, body: { name: 'empty', scopes, ipAllowlist: [] } });
      const body = expectError(res, 400, 'VALIDATION_FAILED', tier);
      expect(issuePaths(body), tier).toEqual(['body.ipAllowlist']);
      expect(JSON.stringify(body.details), tier).toContain('null');
    }
  });

  it('create takes null or no allowlist as "no restriction", and a list as before', async () => {
    for (const [tier, base, token, scopes] of tiers()) {
      for (const extra of [{}, { ipAllowlist: null }]) {
        const res = await server.request('POST', base, { token, body: { name: 'open', scopes, ...extra } });
        expect(res.status, `${tier} ${JSON.stringify(res.body)}`).toBe(201);
        expect(res.body.ipAllowlist, tier).toBeNull();
        expect((await server.request('GET', '/api/v1/auth/whoami', { token: res.body.token })).status, tier).toBe(200);
      }
      const listed = await server.request('POST', base, { token, body: { name: 'listed', scopes, ipAllowlist: ['127.0.0.1'] } });
      expect(listed.status, tier).toBe(201);
      expect(listed.body.ipAllowlist).toEqual(['127.0.0.1/32']);
    }
  });

  it('update refuses [] and leaves the key as it was; null removes the allowlist', async () => {
    for (const [tier, base, token, scopes] of tiers()) {
      const made = await server.request('POST', base, { token, body: { name: 'to update', scopes, ipAllowlist: ['127.0.0.1'] } });
      expect(made.status, tier).toBe(201);
      const one = `${base}/${made.body.id}`;
      const body = expectError(await server.request('PUT', one, { token, body: { ipAllowlist: [] } }), 400, 'VALIDATION_FAILED', tier);
      expect(issuePaths(body), tier).toEqual(['body.ipAllowlist']);
      expect((await server.request('GET', one, { token })).body.ipAllowlist, tier).toEqual(['127.0.0.1/32']);
      expect((await server.request('GET', '/api/v1/auth/whoami', { token: made.body.token })).status, tier).toBe(200);
      const cleared = await server.request('PUT', one, { token, body: { ipAllowlist: null } });
      expect(cleared.status, tier).toBe(200);
      expect(cleared.body.ipAllowlist, tier).toBeNull();
    }
  });

  it('the key service refuses [] too (the CLI and every other caller)', async () => {
    await expect(
      server.gateway.keys.create(
        { tier: 'organization', organizationId: orgId },
        { name: 'cli', scopes: ['invoice:read'], ipAllowlist: [] },
        { scopes: ORG_KEY_SCOPES, origin: OPERATOR },
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a key stored with [] before the rule keeps refusing every address, shows [], and can be fixed', async () => {
    for (const [tier, base, token] of tiers()) {
      const key =
        tier === 'organization'
          ? await server.createOrgKey(orgId, ['invoice:read'], { name: 'legacy' })
          : await server.createSystemKey(['system:read']);
      await server.gateway.database.db.updateTable('api_keys').set({ ip_allowlist: '[]' }).where('id', '=', key.id).execute();
      // The key was never used before this write, so nothing cached answers for it.
      const restarted = server;
      {
        expectError(await restarted.request('GET', '/api/v1/auth/whoami', { token: key.token }), 403, 'IP_NOT_ALLOWED', tier);
        const one = `${base}/${key.id}`;
        const shown = await restarted.request('GET', one, { token });
        expect(shown.status, tier).toBe(200);
        expect(ApiKey.parse(shown.body).ipAllowlist, tier).toEqual([]);
        // Changing something else keeps it (and is not refused because of it).
        const renamed = await restarted.request('PUT', one, { token, body: { name: 'legacy renamed' } });
        expect(renamed.status, tier).toBe(200);
        expect(renamed.body.ipAllowlist, tier).toEqual([]);
        expectError(await restarted.request('GET', '/api/v1/auth/whoami', { token: key.token }), 403, 'IP_NOT_ALLOWED', tier);
        const fixed = await restarted.request('PUT', one, { token, body: { ipAllowlist: ['127.0.0.1'] } });
        expect(fixed.body.ipAllowlist, tier).toEqual(['127.0.0.1/32']);
        expect((await restarted.request('GET', '/api/v1/auth/whoami', { token: key.token })).status, tier).toBe(200);
      }
    }
  });
});
