import { ApiKeyUsage, KEY_USAGE_HOURS } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourOf } from '../src/keys/key-usage.js';
import { createTestClock, expectError, forgeToken, ORG_KEY_SCOPES, SYSTEM_KEY_SCOPES, type TestClock } from './auth-matrix.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const WHOAMI = '/api/v1/auth/whoami';
const usagePath = (orgId: string, keyId: string) => `/api/v1/organizations/${orgId}/api-keys/${keyId}/usage`;
const HOUR = 3_600_000;

/**
 * A key's use over the last 7 days (issue 14): counted in memory by the auth middleware and
 * flushed in batches with lastUsedAt; read per hour through the contract's usage routes.
 */
describe.each(DIALECTS)('API key usage per hour (%s)', (dialect) => {
  let server: TestServer;
  let clock: TestClock;
  let orgA: string;
  let orgB: string;
  let reader: string;

  beforeAll(async () => {
    clock = createTestClock(Date.parse('2026-11-20T10:15:00.000Z'));
    server = await startTestServer({ dialect, now: clock.now, env: { LAST_USED_FLUSH_MS: '100' } });
    orgA = await server.createOrganization('A');
    orgB = await server.createOrganization('B');
    reader = (await server.createOrgKey(orgA, ['api_key:read'], { name: 'reader' })).token;
  });
  afterAll(async () => server?.close());

  /** Reads the usage until the flushed totals reach `want` (the flush runs every 100 ms). */
  const usageOnceFlushed = async (keyId: string, want: { accepted: number; refused: number }, orgId = orgA) => {
    let last: ApiKeyUsage | null = null;
    for (let i = 0; i < 200; i++) {
      const res = await server.request('GET', usagePath(orgId, keyId), { token: reader });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      last = ApiKeyUsage.parse(res.body);
      if (last.totals.accepted >= want.accepted && last.totals.refused >= want.refused) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return last!;
  };

  it('counts accepted and refused requests of a proven key per hour; a wrong secret is not the key', async () => {
    const key = await server.createOrgKey(orgA, ['client:read'], { name: 'counted' });
    for (let i = 0; i < 3; i++) expect((await server.request('GET', WHOAMI, { token: key.token })).status).toBe(200);
    // Missing scope (organization:read) and another organization: refused after the key was proven.
    expectError(await server.request('GET', '/api/v1/organizations/settings', { token: key.token }), 403, 'INSUFFICIENT_SCOPE');
    expect((await server.request('GET', `/api/v1/organizations/${orgB}/api-keys`, { token: key.token })).status).toBe(403);
    // A token with the key's id but a wrong secret proves nothing: not counted.
    expectError(await server.request('GET', WHOAMI, { token: forgeToken(key.id) }), 401, 'INVALID_CREDENTIALS');

    const usage = await usageOnceFlushed(key.id, { accepted: 3, refused: 2 });
    expect(usage.totals).toEqual({ accepted: 3, refused: 2 });
    expect(usage.keyId).toBe(key.id);
    expect(usage.hours).toHaveLength(KEY_USAGE_HOURS);
    const current = hourOf(clock.now());
    expect(usage.hours.at(-1)).toEqual({ hour: current, accepted: 3, refused: 2 });
    expect(usage.to).toBe(new Date(Date.parse(current) + HOUR).toISOString());
    expect(usage.from).toBe(new Date(Date.parse(current) - (KEY_USAGE_HOURS - 1) * HOUR).toISOString());
    expect(usage.hours.slice(0, -1).every((h) => h.accepted === 0 && h.refused === 0)).toBe(true);
    // lastUsedAt is flushed in the same batch.
    const meta = await server.request('GET', `/api/v1/organizations/${orgA}/api-keys/${key.id}`, { token: reader });
    expect(meta.body.lastUsedAt).not.toBeNull();
  });

  it('counts revoked, expired and IP-refused requests as refused', async () => {
    const revoked = await server.createOrgKey(orgA, ['client:read'], { name: 'revoked' });
    await server.gateway.keys.revoke({ tier: 'organization', organizationId: orgA }, revoked.id, 'test', {
      actor: { type: 'system', id: 'test' },
      requestId: null,
      ip: null,
    });
    expectError(await server.request('GET', WHOAMI, { token: revoked.token }), 401, 'API_KEY_REVOKED');
    const fenced = await server.createOrgKey(orgA, ['client:read'], { name: 'fenced', ipAllowlist: ['203.0.113.0/24'] });
    expectError(await server.request('GET', WHOAMI, { token: fenced.token }), 403, 'IP_NOT_ALLOWED');
    const expiring = await server.createOrgKey(orgA, ['client:read'], {
      name: 'expiring',
      expiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
    });
    clock.advance(2 * HOUR);
    expectError(await server.request('GET', WHOAMI, { token: expiring.token }), 401, 'API_KEY_EXPIRED');

    expect((await usageOnceFlushed(revoked.id, { accepted: 0, refused: 1 })).totals).toEqual({ accepted: 0, refused: 1 });
    expect((await usageOnceFlushed(fenced.id, { accepted: 0, refused: 1 })).totals).toEqual({ accepted: 0, refused: 1 });
    const exp = await usageOnceFlushed(expiring.id, { accepted: 0, refused: 1 });
    expect(exp.hours.at(-1)).toEqual({ hour: hourOf(clock.now()), accepted: 0, refused: 1 });
  });

  it('puts requests in their own hour and drops hours older than 7 days from the window', async () => {
    const key = await server.createOrgKey(orgA, ['client:read'], { name: 'hours' });
    await server.request('GET', WHOAMI, { token: key.token });
    await usageOnceFlushed(key.id, { accepted: 1, refused: 0 });
    const firstHour = hourOf(clock.now());
    clock.advance(3 * HOUR);
    await server.request('GET', WHOAMI, { token: key.token });
    await server.request('GET', WHOAMI, { token: key.token });
    const usage = await usageOnceFlushed(key.id, { accepted: 3, refused: 0 });
    expect(usage.hours.find((h) => h.hour === firstHour)).toEqual({ hour: firstHour, accepted: 1, refused: 0 });
    expect(usage.hours.at(-1)).toEqual({ hour: hourOf(clock.now()), accepted: 2, refused: 0 });
    expect(usage.hours.at(-4)?.hour).toBe(firstHour);

    clock.advance(KEY_USAGE_HOURS * HOUR - 2 * HOUR); // the first hour is now 169 hours old
    const later = ApiKeyUsage.parse((await server.request('GET', usagePath(orgA, key.id), { token: reader })).body);
    expect(later.hours.some((h) => h.hour === firstHour)).toBe(false);
    expect(later.totals).toEqual({ accepted: 2, refused: 0 });
  });

  it('is an api_key:read route of the key owner: 404 for another organization or an unknown key, 400 for a malformed id', async () => {
    const key = await server.createOrgKey(orgA, ['client:read'], { name: 'owned' });
    const other = await server.createOrgKey(orgB, ['api_key:read'], { name: 'other reader' });
    expectError(await server.request('GET', usagePath(orgB, key.id), { token: other.token }), 404, 'NOT_FOUND');
    expectError(await server.request('GET', usagePath(orgA, forgeToken().slice(3, 25)), { token: reader }), 404, 'NOT_FOUND');
    expectError(await server.request('GET', usagePath(orgA, key.id), { token: key.token }), 403, 'INSUFFICIENT_SCOPE');
    expect((await server.request('GET', usagePath(orgA, 'not-a-key-id'), { token: reader })).status).toBe(400);
    expect((await server.request('GET', usagePath(orgA, key.id))).status).toBe(401);
  });

  it('system keys: only through /system/api-keys/{keyId}/usage, for global admins', async () => {
    const sys = await server.createSystemKey(SYSTEM_KEY_SCOPES);
    // A system key is not a global-admin session: the route refuses it.
    expect((await server.request('GET', `/api/v1/system/api-keys/${sys.id}/usage`, { token: sys.token })).status).toBe(403);
    const org = await server.createOrgKey(
      orgA,
      ORG_KEY_SCOPES.filter((s) => s !== 'api_key:read'),
      { name: 'no reader' },
    );
    expect((await server.request('GET', `/api/v1/system/api-keys/${org.id}/usage`, { token: org.token })).status).toBe(403);
  });
});

describe('API key usage is batched, never a write per request (sqlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { LAST_USED_FLUSH_MS: '3600000' } });
  });
  afterAll(async () => server?.close());

  it('nothing is written before the flush', async () => {
    const orgId = await server.createOrganization('Batch');
    const reader = await server.createOrgKey(orgId, ['api_key:read'], { name: 'reader' });
    for (let i = 0; i < 5; i++) expect((await server.request('GET', WHOAMI, { token: reader.token })).status).toBe(200);
    const usage = await server.request('GET', usagePath(orgId, reader.id), { token: reader.token });
    expect(usage.status).toBe(200);
    expect(usage.body.totals).toEqual({ accepted: 0, refused: 0 });
    const rows = await server.gateway.database.db
      .withTables<{ api_key_usage: { key_id: string } }>()
      .selectFrom('api_key_usage')
      .selectAll()
      .execute();
    expect(rows).toEqual([]);
  });
});
