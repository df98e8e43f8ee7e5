import { Writable } from 'node:stream';
import { API_KEY_TOKEN_REGEX, ApiKey, ApiKeyWithToken, type Scope } from '@payment-gateway/contract';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, expectError, forgeToken, ORG_KEY_SCOPES, type TestClock } from './auth-matrix.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const WHOAMI = '/api/v1/auth/whoami';
const keysPath = (orgId: string, keyId?: string, action?: string) =>
  `/api/v1/organizations/${orgId}/api-keys${keyId ? `/${keyId}` : ''}${action ? `/${action}` : ''}`;
/** The secret part of a token: everything after `sk_<keyId>.`. */
const secretOf = (token: string) => token.slice(3 + 22 + 1);

describe.each(DIALECTS)('organization API keys (%s)', (dialect) => {
  let server: TestServer;
  let clock: TestClock;
  let orgA: string;
  let orgB: string;
  let admin: string; // every organization scope, org A
  let adminId: string;

  beforeAll(async () => {
    clock = createTestClock();
    server = await startTestServer({ dialect, now: clock.now });
    orgA = await server.createOrganization('A');
    orgB = await server.createOrganization('B');
    const k = await server.createOrgKey(orgA, ORG_KEY_SCOPES, { name: 'admin' });
    admin = k.token;
    adminId = k.id;
  });
  afterAll(async () => server?.close());

  const create = (token: string, body: Record<string, unknown>, org = orgA) => server.request('POST', keysPath(org), { token, body });
  const newKey = async (scopes: Scope[], extra: Record<string, unknown> = {}) => {
    const res = await create(admin, { name: 'k', scopes, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return ApiKeyWithToken.parse(res.body);
  };
  const whoami = (token: string) => server.request('GET', WHOAMI, { token });
  const auditFor = (keyId: string) =>
    server.gateway.database.db.selectFrom('audit_events').selectAll().where('target_id', '=', keyId).orderBy('seq').execute();

  describe('happy paths', () => {
    it('create answers 201 with the token once; list and get never show the secret', async () => {
      const res = await create(admin, { name: 'billing bridge', description: 'd', scopes: ['client:read', 'invoice:read'] });
      expect(res.status).toBe(201);
      const key = ApiKeyWithToken.parse(res.body);
      expect(key.token).toMatch(API_KEY_TOKEN_REGEX);
      expect(key.token.slice(3, 25)).toBe(key.id);
      const secret = secretOf(key.token);
      expect(key).toMatchObject({ tier: 'organization', organizationId: orgA, status: 'active', scopes: ['client:read', 'invoice:read'] });
      expect(key.prefix).toBe(secret.slice(0, 4));
      expect(key.createdBy).toEqual({ type: 'api_key', id: adminId });
      expect((await whoami(key.token)).body).toMatchObject({ keyId: key.id, organizationId: orgA });

      const row = await server.gateway.database.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      const leaks = [secret, secret.slice(0, 43), secret.slice(4, 20), row.secret_hash, key.token];
      const get = await server.request('GET', keysPath(orgA, key.id), { token: admin });
      expect(get.status).toBe(200);
      expect(ApiKey.strict().parse(get.body)).toMatchObject({ id: key.id, prefix: key.prefix });
      const list = await server.request('GET', `${keysPath(orgA)}?limit=100`, { token: admin });
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: ApiKey) => i.id)).toContain(key.id);
      for (const i of list.body.items) ApiKey.strict().parse(i);
      for (const text of [JSON.stringify(get.body), JSON.stringify(list.body)]) {
        for (const leak of leaks) expect(text).not.toContain(leak);
        expect(text).not.toMatch(/"(token|secret|secretHash|hash)"/);
      }
      // The secret is stored only as an HMAC.
      expect(JSON.stringify(row)).not.toContain(secret);
    });

    it('lists page by page and filters by status', async () => {
      const created = [await newKey(['invoice:read']), await newKey(['invoice:read'])];
      const page1 = await server.request('GET', `${keysPath(orgA)}?limit=1&page=1`, { token: admin });
      expect(page1.status).toBe(200);
      expect(page1.body).toMatchObject({ page: 1, limit: 1 });
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.total).toBeGreaterThanOrEqual(3);
      await server.request('POST', keysPath(orgA, created[0]!.id, 'revoke'), { token: admin, body: {} });
      const revoked = await server.request('GET', `${keysPath(orgA)}?status=revoked&limit=100`, { token: admin });
      expect(revoked.body.items.every((k: ApiKey) => k.status === 'revoked')).toBe(true);
      expect(revoked.body.items.map((k: ApiKey) => k.id)).toContain(created[0]!.id);
    });

    it('update changes scopes, allowlist and expiry with immediate effect on the same instance', async () => {
      const k = await newKey(['api_key:read']);
      expect((await server.request('GET', keysPath(orgA), { token: k.token })).status).toBe(200);

      const upd = await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { name: 'renamed', scopes: ['invoice:read'] } });
      expect(upd.status).toBe(200);
      expect(ApiKey.parse(upd.body)).toMatchObject({ name: 'renamed', scopes: ['invoice:read'] });
      const denied = expectError(await server.request('GET', keysPath(orgA), { token: k.token }), 403, 'INSUFFICIENT_SCOPE');
      expect(denied.details?.requiredScope).toBe('api_key:read');
      expect((await whoami(k.token)).body.scopes).toEqual(['invoice:read']);

      await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { ipAllowlist: ['10.0.0.0/8'] } });
      expectError(await whoami(k.token), 403, 'IP_NOT_ALLOWED');
      await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { ipAllowlist: null } });
      expect((await whoami(k.token)).status).toBe(200);

      const expiresAt = new Date(clock.now().getTime() + 60_000).toISOString();
      expect((await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { expiresAt } })).body.expiresAt).toBe(expiresAt);
      expect((await whoami(k.token)).status).toBe(200);
      clock.advance(61_000);
      expectError(await whoami(k.token), 401, 'API_KEY_EXPIRED');
      await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { expiresAt: null } });
      expect((await whoami(k.token)).status).toBe(200);

      const past = new Date(clock.now().getTime() - 1000).toISOString();
      expectError(await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { expiresAt: past } }), 400, 'VALIDATION_FAILED');
    });

    it('delete answers 204; the key then fails, GET is 404, the audit events remain', async () => {
      const k = await newKey(['invoice:read']);
      expect((await whoami(k.token)).status).toBe(200);
      const del = await server.request('DELETE', keysPath(orgA, k.id), { token: admin });
      expect(del.status).toBe(204);
      expect(del.body).toBeUndefined();
      expectError(await whoami(k.token), 401, 'INVALID_CREDENTIALS');
      expectError(await server.request('GET', keysPath(orgA, k.id), { token: admin }), 404, 'NOT_FOUND');
      expectError(await server.request('DELETE', keysPath(orgA, k.id), { token: admin }), 404, 'NOT_FOUND');
      expect((await auditFor(k.id)).map((e) => e.action)).toEqual(['api_key.created', 'api_key.deleted']);
    });

    it('revoke is irreversible and idempotent (200 twice, revokedAt unchanged)', async () => {
      const k = await newKey(['invoice:read']);
      const first = await server.request('POST', keysPath(orgA, k.id, 'revoke'), { token: admin, body: { reason: 'leaked' } });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'revoked', revokedReason: 'leaked' });
      expectError(await whoami(k.token), 401, 'API_KEY_REVOKED');
      clock.advance(5_000);
      const second = await server.request('POST', keysPath(orgA, k.id, 'revoke'), { token: admin });
      expect(second.status).toBe(200);
      expect(second.body.revokedAt).toBe(first.body.revokedAt);
      expect(second.body.revokedReason).toBe('leaked');
      expect((await auditFor(k.id)).filter((e) => e.action === 'api_key.revoked')).toHaveLength(1);
      // A revoked key cannot come back through update or rotate.
      expectError(await server.request('PUT', keysPath(orgA, k.id), { token: admin, body: { name: 'x' } }), 409, 'INVALID_STATE');
      expectError(await server.request('POST', keysPath(orgA, k.id, 'rotate'), { token: admin, body: {} }), 409, 'INVALID_STATE');
    });

    it('stops every secret of the key, the one still in its grace period too (answered API_KEY_REVOKED)', async () => {
      const k = await newKey(['invoice:read']);
      const rotated = await server.request('POST', keysPath(orgA, k.id, 'rotate'), { token: admin, body: { gracePeriodSeconds: 3600 } });
      expect((await whoami(k.token)).status).toBe(200);
      expect((await server.request('POST', keysPath(orgA, k.id, 'revoke'), { token: admin, body: {} })).status).toBe(200);
      expectError(await whoami(k.token), 401, 'API_KEY_REVOKED');
      expectError(await whoami(rotated.body.token), 401, 'API_KEY_REVOKED');
    });
  });

  describe('rotation', () => {
    const rotate = (keyId: string, body: unknown = {}, token = admin) =>
      server.request('POST', keysPath(orgA, keyId, 'rotate'), { token, body });

    it('keeps the old secret until the grace period ends, then refuses it', async () => {
      const k = await newKey(['invoice:read']);
      const res = await rotate(k.id, { gracePeriodSeconds: 3600 });
      expect(res.status).toBe(200);
      const r = ApiKeyWithToken.parse(res.body);
      expect(r.id).toBe(k.id);
      expect(r.token).not.toBe(k.token);
      expect(r.prefix).toBe(secretOf(r.token).slice(0, 4));
      expect(r.scopes).toEqual(k.scopes);
      expect(r.previousSecretExpiresAt).toBe(new Date(clock.now().getTime() + 3600_000).toISOString());
      expect((await whoami(k.token)).status).toBe(200);
      expect((await whoami(r.token)).status).toBe(200);
      clock.advance(3599_000);
      expect((await whoami(k.token)).status).toBe(200);
      clock.advance(2_000);
      expectError(await whoami(k.token), 401, 'INVALID_CREDENTIALS');
      expect((await whoami(r.token)).status).toBe(200);
      // The token is shown once: get has none.
      expect((await server.request('GET', keysPath(orgA, k.id), { token: admin })).body.token).toBeUndefined();
    });

    it('with grace 0 refuses the old secret at once', async () => {
      const k = await newKey(['invoice:read']);
      const r = await rotate(k.id, { gracePeriodSeconds: 0 });
      expect(r.status).toBe(200);
      expect(r.body.previousSecretExpiresAt).toBeNull();
      expectError(await whoami(k.token), 401, 'INVALID_CREDENTIALS');
      expect((await whoami(r.body.token)).status).toBe(200);
    });

    it('defaults to the policy grace (86400 s)', async () => {
      const k = await newKey(['invoice:read']);
      const r = await server.request('POST', keysPath(orgA, k.id, 'rotate'), { token: admin });
      expect(r.status).toBe(200);
      expect(r.body.previousSecretExpiresAt).toBe(new Date(clock.now().getTime() + 86_400_000).toISOString());
    });

    it('rotating again during a grace period ends the older secret at once', async () => {
      const k = await newKey(['invoice:read']);
      const r1 = (await rotate(k.id, { gracePeriodSeconds: 3600 })).body.token as string;
      const r2 = (await rotate(k.id, { gracePeriodSeconds: 3600 })).body.token as string;
      expectError(await whoami(k.token), 401, 'INVALID_CREDENTIALS');
      expect((await whoami(r1)).status).toBe(200);
      expect((await whoami(r2)).status).toBe(200);
    });

    it('refuses a grace above the policy maximum with INVALID_GRACE_PERIOD, and above the contract maximum', async () => {
      const k = await newKey(['invoice:read']);
      const origin = { actor: { type: 'system' as const, id: 'test' }, requestId: null, ip: null };
      const before = (await server.gateway.settings.get()).keyPolicy;
      await server.gateway.settings.update({ keyPolicy: { defaultGracePeriodSeconds: 600, maxGracePeriodSeconds: 3600 } }, origin);
      try {
        const body = expectError(await rotate(k.id, { gracePeriodSeconds: 3601 }), 400, 'INVALID_GRACE_PERIOD');
        expect(body.details?.maxGracePeriodSeconds).toBe(3600);
        expect((await rotate(k.id, { gracePeriodSeconds: 3600 })).status).toBe(200);
      } finally {
        await server.gateway.settings.update({ keyPolicy: before }, origin);
      }
      expectError(await rotate(k.id, { gracePeriodSeconds: 604_801 }), 400, 'VALIDATION_FAILED');
      expectError(await rotate(k.id, { gracePeriodSeconds: -1 }), 400, 'VALIDATION_FAILED');
    });

    it("never keeps the old secret past the key's own expiry", async () => {
      const expiresAt = new Date(clock.now().getTime() + 600_000).toISOString();
      const k = await newKey(['invoice:read'], { expiresAt });
      const r = await rotate(k.id, { gracePeriodSeconds: 86_400 });
      expect(r.body.previousSecretExpiresAt).toBe(expiresAt);
      clock.advance(599_000);
      expect((await whoami(k.token)).status).toBe(200);
      clock.advance(2_000);
      // The old secret's grace ended with the key: it no longer proves anything.
      expectError(await whoami(k.token), 401, 'INVALID_CREDENTIALS');
      expectError(await whoami(r.body.token), 401, 'API_KEY_EXPIRED');
      expectError(await rotate(k.id, { gracePeriodSeconds: 0 }), 409, 'INVALID_STATE');
    });

    it('stores an expiry written without milliseconds as the instant it names, so grace caps compare instants', async () => {
      // `…:00Z` sorts after `…:00.000Z` as text: stored as sent, the grace cap below would not apply.
      const at = new Date(Math.ceil((clock.now().getTime() + 600_000) / 1000) * 1000);
      const written = at.toISOString().replace('.000Z', 'Z');
      const k = await newKey(['invoice:read'], { expiresAt: written });
      expect(k.expiresAt).toBe(at.toISOString());
      const r = await rotate(k.id, { gracePeriodSeconds: 86_400 });
      expect(r.body.previousSecretExpiresAt).toBe(at.toISOString());
    });

    // With the real clock (no injected one): the grace ends when the server's own clock passes
    // previousSecretExpiresAt. That the old secret is accepted *during* the grace is shown with the
    // test clock above: asserting it here raced the 1 s window on a loaded machine (the rotate
    // transaction plus the next request could take longer than the grace itself).
    it('ends a short grace period by the real clock', async () => {
      const real = await startTestServer({ dialect });
      try {
        const org = await real.createOrganization();
        const k = await real.createOrgKey(org, ['api_key:execute', 'invoice:read']);
        const before = Date.now();
        const r = await real.request('POST', keysPath(org, k.id, 'rotate'), { token: k.token, body: { gracePeriodSeconds: 1 } });
        const after = Date.now();
        expect(r.status).toBe(200);
        const graceEnd = Date.parse(r.body.previousSecretExpiresAt);
        // Computed from the real clock while the request was in flight.
        expect(graceEnd).toBeGreaterThanOrEqual(before + 1000);
        expect(graceEnd).toBeLessThanOrEqual(after + 1000);
        // Wait for the instant the server named, not a fixed sleep.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, graceEnd - Date.now()) + 50));
        expectError(await real.request('GET', WHOAMI, { token: k.token }), 401, 'INVALID_CREDENTIALS');
        expect((await real.request('GET', WHOAMI, { token: r.body.token })).status).toBe(200);
      } finally {
        await real.close();
      }
    });
  });

  describe('no escalation', () => {
    it('an org key creates keys only with a subset of its own scopes, never system-tier or unknown ones', async () => {
      const limited = await newKey(['api_key:create', 'invoice:read']);
      const attempt = (scopes: string[]) => create(limited.token, { name: 'x', scopes });
      expect((await attempt(['invoice:read'])).status).toBe(201);
      for (const scopes of [['invoice:*'], ['client:read'], ['invoice:read', 'invoice:create'], ['api_key:*']]) {
        const body = expectError(await attempt(scopes), 403, 'SCOPE_ESCALATION', scopes.join());
        expect(body.details?.scopes).toBeDefined();
      }
      for (const scopes of [['organization:create'], ['system:read'], ['organization:*'], ['system:*']]) {
        expectError(await attempt(scopes), 400, 'SYSTEM_SCOPE_NOT_ALLOWED', scopes.join());
      }
      for (const scopes of [['recurring:read'], ['recurring:*'], ['*'], ['invoice:write'], ['nope']]) {
        const body = expectError(await attempt(scopes), 400, 'UNKNOWN_SCOPE', scopes.join());
        expect(body.details?.validScopes).toEqual(expect.arrayContaining(['invoice:read', 'invoice:execute', 'portal:create']));
        expect(body.details?.validScopes).not.toContain('recurring:read');
      }
      // Even the most powerful org key cannot mint system-tier scopes.
      expectError(await create(admin, { name: 'x', scopes: ['organization:delete'] }), 400, 'SYSTEM_SCOPE_NOT_ALLOWED');
    });

    it('an org key cannot update another key to scopes it lacks, nor manage a more powerful key', async () => {
      const updater = await newKey(['api_key:update', 'invoice:read']);
      const weak = await newKey(['invoice:read']);
      const strong = await newKey(['client:read', 'invoice:read']);
      const put = (keyId: string, body: unknown) => server.request('PUT', keysPath(orgA, keyId), { token: updater.token, body });
      expectError(await put(weak.id, { scopes: ['invoice:read', 'invoice:create'] }), 403, 'SCOPE_ESCALATION');
      expectError(await put(strong.id, { name: 'mine now' }), 403, 'SCOPE_ESCALATION');
      expectError(await put(strong.id, { scopes: ['invoice:read'] }), 403, 'SCOPE_ESCALATION');
      expect((await put(weak.id, { name: 'ok' })).status).toBe(200);
      const after = await server.request('GET', keysPath(orgA, strong.id), { token: admin });
      expect(after.body.scopes).toEqual(['client:read', 'invoice:read']);
    });

    it('an org key cannot rotate a more powerful key (the new token would carry its power)', async () => {
      const rotator = await newKey(['api_key:execute', 'invoice:read']);
      const strong = await newKey(['client:read']);
      expectError(
        await server.request('POST', keysPath(orgA, strong.id, 'rotate'), { token: rotator.token, body: {} }),
        403,
        'SCOPE_ESCALATION',
      );
      expect((await whoami(strong.token)).status).toBe(200);
      const weak = await newKey(['invoice:read']);
      expect((await server.request('POST', keysPath(orgA, weak.id, 'rotate'), { token: rotator.token, body: {} })).status).toBe(200);
    });
  });

  describe('IP allowlist', () => {
    it('allows a matching address and refuses others; IPv4-mapped IPv6 forms match', async () => {
      for (const list of [
        ['127.0.0.1/32'],
        ['127.0.0.1'],
        ['127.0.0.0/8'],
        ['::ffff:127.0.0.1'],
        ['::ffff:127.0.0.0/104'],
        ['10.0.0.0/8', '127.0.0.1'],
      ]) {
        const k = await newKey(['invoice:read'], { ipAllowlist: list });
        expect((await whoami(k.token)).status, list.join()).toBe(200);
      }
      for (const list of [['10.0.0.0/8'], ['::1'], ['::1/128'], ['192.168.0.0/16', '2001:db8::/32']]) {
        const k = await newKey(['invoice:read'], { ipAllowlist: list });
        expectError(await whoami(k.token), 403, 'IP_NOT_ALLOWED', list.join());
      }
    });

    it('normalises entries and rejects invalid CIDRs with 400', async () => {
      const k = await newKey(['invoice:read'], { ipAllowlist: ['127.0.0.1', '2001:DB8::/32'] });
      expect(k.ipAllowlist).toEqual(['127.0.0.1/32', '2001:db8::/32']);
      for (const bad of ['10.0.0.0/33', '300.1.1.1', 'not-an-ip', '::1/129', '10.0.0.0/']) {
        const body = expectError(
          await create(admin, { name: 'x', scopes: ['invoice:read'], ipAllowlist: [bad] }),
          400,
          'VALIDATION_FAILED',
          bad,
        );
        expect(JSON.stringify(body.details)).toContain('ipAllowlist');
      }
    });
  });

  describe('tenant isolation', () => {
    it("org A's key neither sees nor changes org B's keys, even with the right keyId", async () => {
      const b = await server.createOrgKey(orgB, ['invoice:read']);
      const attempts: [string, string, unknown?][] = [
        ['GET', ''],
        ['PUT', '', { name: 'pwned' }],
        ['DELETE', ''],
        ['POST', 'revoke', {}],
        ['POST', 'rotate', { gracePeriodSeconds: 0 }],
      ];
      for (const [method, action, body] of attempts) {
        expectError(
          await server.request(method, keysPath(orgB, b.id, action || undefined), { token: admin, body }),
          403,
          'ORGANIZATION_MISMATCH',
          `${method} ${action}`,
        );
        expectError(
          await server.request(method, keysPath(orgA, b.id, action || undefined), { token: admin, body }),
          404,
          'NOT_FOUND',
          `${method} ${action}`,
        );
      }
      expectError(await server.request('GET', keysPath(orgB), { token: admin }), 403, 'ORGANIZATION_MISMATCH');
      expectError(await create(admin, { name: 'x', scopes: ['invoice:read'] }, orgB), 403, 'ORGANIZATION_MISMATCH');
      const list = await server.request('GET', `${keysPath(orgA)}?limit=100`, { token: admin });
      expect(list.body.items.every((k: ApiKey) => k.organizationId === orgA)).toBe(true);
      const still = await whoami(b.token);
      expect(still.status).toBe(200);
      expect(still.body.name).toBe('test key');
      // A system key manages any organization's keys.
      const sys = await server.createSystemKey(['api_key:read']);
      expect((await server.request('GET', keysPath(orgB, b.id), { token: sys.token })).status).toBe(200);
    });
  });

  describe('HTTP validation and errors', () => {
    const raw = (path: string, init: RequestInit) => fetch(server.url + path, init);
    const asResult = async (res: Response) => ({ status: res.status, headers: res.headers, body: await res.json() });

    it('bad JSON → 400, unknown fields → 400, too large → 413, non-JSON → 415, limit > 100 → 400', async () => {
      const auth = { authorization: `Bearer ${admin}` };
      expectError(
        await asResult(
          await raw(keysPath(orgA), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name": ' }),
        ),
        400,
        'VALIDATION_FAILED',
      );
      const unknown = expectError(
        await create(admin, { name: 'x', scopes: ['invoice:read'], organizationId: orgB }),
        400,
        'VALIDATION_FAILED',
      );
      expect(Array.isArray(unknown.details?.issues)).toBe(true);
      expectError(await create(admin, { name: '', scopes: [] }), 400, 'VALIDATION_FAILED');
      const big = JSON.stringify({ name: 'x', scopes: ['invoice:read'], description: 'x'.repeat(200_000) });
      expectError(
        await asResult(await raw(keysPath(orgA), { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: big })),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expectError(
        await asResult(await raw(keysPath(orgA), { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'name=x' })),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(await server.request('GET', `${keysPath(orgA)}?limit=101`, { token: admin }), 400, 'VALIDATION_FAILED');
      expectError(await server.request('GET', `${keysPath(orgA)}?limit=0`, { token: admin }), 400, 'VALIDATION_FAILED');
      expectError(await server.request('GET', `${keysPath(orgA)}?bogus=1`, { token: admin }), 400, 'VALIDATION_FAILED');
      expectError(await server.request('GET', keysPath(orgA, 'short'), { token: admin }), 400, 'VALIDATION_FAILED');
    });

    it('unknown routes answer 404 ROUTE_NOT_FOUND in the error format with X-Request-ID', async () => {
      for (const [method, path] of [
        ['GET', '/api/v1/nope'],
        ['GET', '/'],
      ]) {
        expectError(await server.request(method!, path!, { token: admin }), 404, 'ROUTE_NOT_FOUND', `${method} ${path}`);
      }
      // A known path with another method is 405 with Allow (issue #11).
      const wrongMethod = await server.request('DELETE', '/api/v1/auth/whoami', { token: admin });
      expectError(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
      const given = await server.request('GET', '/api/v1/nope', { headers: { 'x-request-id': 'client-req-12345' } });
      expect(expectError(given, 404, 'ROUTE_NOT_FOUND').requestId).toBe('client-req-12345');
    });

    it('5xx bodies carry no stack, SQL or internal message', async () => {
      const keys = server.gateway.keys as unknown as { list: unknown };
      keys.list = async () => {
        const err = new Error('SELECT secret_hash FROM api_keys WHERE id = $1 -- relation exploded');
        throw err;
      };
      try {
        const res = await server.request('GET', keysPath(orgA), { token: admin });
        expectError(res, 500, 'INTERNAL_ERROR');
        const text = JSON.stringify(res.body);
        for (const bad of ['SELECT', 'api_keys', 'exploded', 'stack', '.ts:', '    at ']) expect(text).not.toContain(bad);
      } finally {
        delete keys.list;
      }
      expect((await server.request('GET', keysPath(orgA), { token: admin })).status).toBe(200);
    });
  });

  describe('audit', () => {
    it('records create, update, rotate, revoke and delete with actor, organization, request id and IP, never a secret', async () => {
      const calls: { action: string; requestId: string }[] = [];
      const track = async (action: string, p: Promise<{ status: number; headers: Headers; body: any }>) => {
        const res = await p;
        expect(res.status, action).toBeLessThan(300);
        calls.push({ action, requestId: res.headers.get('x-request-id')! });
        return res;
      };
      const created = await track('api_key.created', create(admin, { name: 'audited', scopes: ['invoice:read'] }));
      const id = created.body.id as string;
      await track(
        'api_key.updated',
        server.request('PUT', keysPath(orgA, id), { token: admin, body: { scopes: ['invoice:read'], name: 'a2' } }),
      );
      const rotated = await track(
        'api_key.rotated',
        server.request('POST', keysPath(orgA, id, 'rotate'), { token: admin, body: { gracePeriodSeconds: 60 } }),
      );
      await track('api_key.revoked', server.request('POST', keysPath(orgA, id, 'revoke'), { token: admin, body: { reason: 'r' } }));
      await track('api_key.deleted', server.request('DELETE', keysPath(orgA, id), { token: admin }));

      const events = await auditFor(id);
      expect(events.map((e) => e.action)).toEqual(calls.map((c) => c.action));
      const secrets = [created.body.token, rotated.body.token].flatMap((t: string) => [t, secretOf(t), secretOf(t).slice(0, 43)]);
      for (const [i, e] of events.entries()) {
        expect(e).toMatchObject({
          actor_type: 'api_key',
          actor_id: adminId,
          organization_id: orgA,
          target_type: 'api_key',
          request_id: calls[i]!.requestId,
        });
        expect(e.ip).toMatch(/127\.0\.0\.1/);
        const text = JSON.stringify(e);
        for (const s of secrets) expect(text).not.toContain(s);
        expect(text).not.toMatch(/secret_?hash|"token"/i);
      }
    });
  });
});

describe.each(DIALECTS)('limits and logs (%s)', (dialect) => {
  it('per-credential limit: the 6th request of a key in a minute is 429 with Retry-After', async () => {
    const server = await startTestServer({ dialect, env: { RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const org = await server.createOrganization();
      const k = await server.createOrgKey(org, ['invoice:read']);
      const other = await server.createOrgKey(org, ['invoice:read']);
      for (let i = 0; i < 5; i++) expect((await server.request('GET', WHOAMI, { token: k.token })).status).toBe(200);
      const res = await server.request('GET', WHOAMI, { token: k.token });
      const body = expectError(res, 429, 'RATE_LIMITED');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(body.details?.retryAfterSeconds).toBe(retryAfter);
      expect((await server.request('GET', WHOAMI, { token: other.token })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('per-IP failed authentications: after 3 failures even a valid key gets 429', async () => {
    const server = await startTestServer({ dialect, env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '3' } });
    try {
      const org = await server.createOrganization();
      const k = await server.createOrgKey(org, ['invoice:read']);
      expect((await server.request('GET', WHOAMI, { token: k.token })).status).toBe(200);
      for (const token of [forgeToken(), forgeToken(k.id), 'sk_garbage']) {
        expectError(await server.request('GET', WHOAMI, { token }), 401, 'INVALID_CREDENTIALS');
      }
      const res = await server.request('GET', WHOAMI, { token: k.token });
      expectError(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    } finally {
      await server.close();
    }
  });

  it('logs never contain a token or secret', async () => {
    let output = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        output += String(chunk);
        cb();
      },
    });
    const server = await startTestServer({ dialect, logger: pino({ level: 'trace' }, stream) });
    try {
      const org = await server.createOrganization();
      const k = await server.createOrgKey(org, ORG_KEY_SCOPES);
      const tokens = [k.token];
      await server.request('GET', WHOAMI, { token: k.token });
      const created = await server.request('POST', keysPath(org), { token: k.token, body: { name: 'n', scopes: ['invoice:read'] } });
      tokens.push(created.body.token);
      const rotated = await server.request('POST', keysPath(org, created.body.id, 'rotate'), { token: k.token, body: {} });
      tokens.push(rotated.body.token);
      await server.request('GET', WHOAMI, { token: forgeToken(k.id) });
      await server.request('GET', WHOAMI, { token: `${k.token}x` });
      await server.request('GET', '/api/v1/nope', { token: k.token });
      await server.request('GET', WHOAMI, { token: rotated.body.token, headers: { cookie: `session=${rotated.body.token}` } });
      expect(output).toContain(created.headers.get('x-request-id'));
      for (const t of tokens) {
        expect(output).not.toContain(secretOf(t));
        expect(output).not.toContain(secretOf(t).slice(0, 43));
      }
    } finally {
      await server.close();
    }
  });
});
