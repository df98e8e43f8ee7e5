// Issue 17: the key-age rotation policy (keyPolicy.maxKeyAgeDays, enforceMaxKeyAge,
// rotationGraceDays) over HTTP on a real server and database. Time moves with the injectable
// clock the services read (never by sleeping); keys are created and used through the API.
import { ALL_SCOPES, ApiKey, KEY_ROTATION_DUE_HEADER, type Scope } from '@payment-gateway/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RotationDueNotifier } from '../src/keys/rotation-notifier.js';
import { createTestClock, expectError, ORG_KEY_SCOPES, SYSTEM_KEY_SCOPES, type TestClock } from './auth-matrix.js';
import { DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';
import { createUser, sessionToken } from './session-helpers.js';

const DAY = 86_400_000;
const WHOAMI = '/api/v1/auth/whoami';
const SETTINGS = '/api/v1/system/settings';
const keysPath = (orgId: string, keyId?: string, action?: string) =>
  `/api/v1/organizations/${orgId}/api-keys${keyId ? `/${keyId}` : ''}${action ? `/${action}` : ''}`;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

describe.each(DIALECTS)('key rotation policy (%s)', (dialect) => {
  let server: TestServer;
  let clock: TestClock;
  let org: string;
  let sysKey: string;

  beforeAll(async () => {
    clock = createTestClock();
    server = await startTestServer({ dialect, now: clock.now });
    org = await server.createOrganization('Rotation');
  });
  afterAll(async () => server?.close());

  // Each test starts from the defaults (policy off) with a fresh system key for the settings.
  beforeEach(async () => {
    await server.gateway.settings.update({ keyPolicy: { maxKeyAgeDays: null, enforceMaxKeyAge: false, rotationGraceDays: 14 } }, OPERATOR);
    sysKey = (await server.createSystemKey(SYSTEM_KEY_SCOPES)).token;
  });

  const putPolicy = async (keyPolicy: Record<string, unknown>) => {
    // A fresh key each time: under enforcement an old one would be refused itself.
    const token = (await server.createSystemKey(SYSTEM_KEY_SCOPES)).token;
    const res = await server.request('PUT', SETTINGS, { token, body: { keyPolicy } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res;
  };
  const getKey = async (keyId: string) => {
    const admin = (await server.createOrgKey(org, ORG_KEY_SCOPES)).token;
    const res = await server.request('GET', keysPath(org, keyId), { token: admin });
    expect(res.status).toBe(200);
    return ApiKey.strict().parse(res.body);
  };
  const listed = async (keyId: string) => {
    const admin = (await server.createOrgKey(org, ORG_KEY_SCOPES)).token;
    const res = await server.request('GET', `${keysPath(org)}?limit=100`, { token: admin });
    expect(res.status).toBe(200);
    return (res.body.items as ApiKey[]).find((k) => k.id === keyId)!;
  };
  const dueEvents = (keyId: string) =>
    server.gateway.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', keyId)
      .where('action', '=', 'api_key.rotation_due')
      .execute();
  /** Waits (generously) for the audit event the first due request writes in the background. */
  const waitForDueEvents = async (keyId: string, atLeast: number) => {
    for (let i = 0; i < 200; i++) {
      const events = await dueEvents(keyId);
      if (events.length >= atLeast) return events;
      await new Promise((r) => setTimeout(r, 25));
    }
    return dueEvents(keyId);
  };
  const newKey = (scopes: Scope[] = ['invoice:read']) => server.createOrgKey(org, scopes);

  it('settings: maxKeyAgeDays defaults to off; ranges are validated; changes are audited', async () => {
    const current = await server.request('GET', SETTINGS, { token: sysKey });
    expect(current.body.keyPolicy).toMatchObject({ maxKeyAgeDays: null, enforceMaxKeyAge: false, rotationGraceDays: 14 });
    for (const keyPolicy of [
      { maxKeyAgeDays: 0 },
      { maxKeyAgeDays: 3651 },
      { maxKeyAgeDays: 1.5 },
      { maxKeyAgeDays: '90' },
      { rotationGraceDays: -1 },
      { rotationGraceDays: 366 },
      { enforceMaxKeyAge: 'yes' },
      // Enforcing needs a maximum age.
      { enforceMaxKeyAge: true },
      { maxKeyAgeDays: null, enforceMaxKeyAge: true },
    ]) {
      expectError(
        await server.request('PUT', SETTINGS, { token: sysKey, body: { keyPolicy } }),
        400,
        'VALIDATION_FAILED',
        JSON.stringify(keyPolicy),
      );
    }
    const put = await putPolicy({ maxKeyAgeDays: 90, enforceMaxKeyAge: true, rotationGraceDays: 7 });
    expect(put.body.keyPolicy).toMatchObject({
      maxKeyAgeDays: 90,
      enforceMaxKeyAge: true,
      rotationGraceDays: 7,
      defaultGracePeriodSeconds: 86400,
    });
    // Switching the maximum off while enforcing is refused; switching both off is fine.
    expectError(
      await server.request('PUT', SETTINGS, { token: sysKey, body: { keyPolicy: { maxKeyAgeDays: null } } }),
      400,
      'VALIDATION_FAILED',
    );
    await putPolicy({ maxKeyAgeDays: null, enforceMaxKeyAge: false });
    const audit = await server.request('GET', '/api/v1/system/audit-events?action=settings.updated&limit=5', { token: sysKey });
    expect(audit.body.items.map((e: { metadata: unknown }) => e.metadata)).toContainEqual({
      changes: { keyPolicy: { maxKeyAgeDays: 90, enforceMaxKeyAge: true, rotationGraceDays: 7 } },
    });
  });

  it('policy off: rotationDueAt is null and no header is sent, however old the key', async () => {
    const key = await newKey();
    clock.advance(400 * DAY);
    const who = await server.request('GET', WHOAMI, { token: key.token });
    expect(who.status).toBe(200);
    expect(who.body.rotationDueAt).toBeNull();
    expect(who.headers.get(KEY_ROTATION_DUE_HEADER)).toBeNull();
    expect((await getKey(key.id)).rotationDueAt).toBeNull();
    expect(await dueEvents(key.id)).toHaveLength(0);
  });

  it('reports due in the record, whoami and a header on every authenticated request; audits once', async () => {
    const key = await newKey(['invoice:read']);
    // Used (and cached) before the policy exists: the cache must not hide the change.
    expect((await server.request('GET', WHOAMI, { token: key.token })).status).toBe(200);
    await putPolicy({ maxKeyAgeDays: 30 });
    const dueAt = plusDays(key.createdAt, 30);

    // Not yet due: the deadline is shown, but no header and no audit event.
    clock.advance(29 * DAY);
    const early = await server.request('GET', WHOAMI, { token: key.token });
    expect(early.body).toMatchObject({ keyId: key.id, rotationDueAt: dueAt });
    expect(early.headers.get(KEY_ROTATION_DUE_HEADER)).toBeNull();
    expect((await getKey(key.id)).rotationDueAt).toBe(dueAt);
    expect(await dueEvents(key.id)).toHaveLength(0);

    clock.advance(1 * DAY + 1);
    const who = await server.request('GET', WHOAMI, { token: key.token });
    expect(who.status).toBe(200);
    expect(who.body.rotationDueAt).toBe(dueAt);
    expect(who.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(dueAt);
    // A request refused by scope was still authenticated by the key: the header says it too.
    const refused = await server.request('GET', `/api/v1/clients`, { token: key.token });
    expect(refused.status).toBe(403);
    expect(refused.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(dueAt);
    const invoices = await server.request('GET', '/api/v1/invoices', { token: key.token });
    expect(invoices.status).toBe(200);
    expect(invoices.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(dueAt);
    expect((await getKey(key.id)).rotationDueAt).toBe(dueAt);
    expect((await listed(key.id)).rotationDueAt).toBe(dueAt);

    // Exactly one audit event however many requests (and after more time).
    const events = await waitForDueEvents(key.id, 1);
    for (let i = 0; i < 5; i++) await server.request('GET', WHOAMI, { token: key.token });
    clock.advance(3 * DAY);
    await server.request('GET', WHOAMI, { token: key.token });
    await new Promise((r) => setTimeout(r, 200));
    expect(await dueEvents(key.id)).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: 'system', actor_id: 'key-policy', organization_id: org });
    expect(JSON.parse(events[0]!.metadata)).toMatchObject({ rotationDueAt: dueAt, secretIssuedAt: key.createdAt });

    // A policy change applies at once (settings and key caches notwithstanding): off → no header.
    await putPolicy({ maxKeyAgeDays: null });
    const off = await server.request('GET', WHOAMI, { token: key.token });
    expect(off.headers.get(KEY_ROTATION_DUE_HEADER)).toBeNull();
    expect(off.body.rotationDueAt).toBeNull();
  });

  it('system keys are reported too', async () => {
    const key = await server.createSystemKey(['organization:read']);
    await putPolicy({ maxKeyAgeDays: 10 });
    clock.advance(11 * DAY);
    const res = await server.request('GET', '/api/v1/system/organizations', { token: key.token });
    expect(res.status).toBe(200);
    expect(res.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(plusDays(key.createdAt, 10));
    // System keys are managed by global-admin sessions (signed in now, on the test clock).
    const admin = await sessionToken(server, await createUser(server, { globalAdmin: true }));
    const record = await server.request('GET', `/api/v1/system/api-keys/${key.id}`, { token: admin });
    expect(record.status).toBe(200);
    expect(record.body.rotationDueAt).toBe(plusDays(key.createdAt, 10));
    const list = await server.request('GET', '/api/v1/system/api-keys?limit=100', { token: admin });
    expect(list.body.items.find((k: ApiKey) => k.id === key.id).rotationDueAt).toBe(plusDays(key.createdAt, 10));
    expect(await waitForDueEvents(key.id, 1)).toHaveLength(1);
  });

  it('enforcement: refused with 401 API_KEY_ROTATION_REQUIRED after the grace, not before; rotation resets the age', async () => {
    const key = await newKey(['invoice:read']);
    await putPolicy({ maxKeyAgeDays: 30, enforceMaxKeyAge: true, rotationGraceDays: 7 });
    const dueAt = plusDays(key.createdAt, 30);
    const refusedFrom = plusDays(dueAt, 7);

    clock.advance(30 * DAY + 7 * DAY - 1);
    const last = await server.request('GET', WHOAMI, { token: key.token });
    expect(last.status).toBe(200);
    expect(last.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(dueAt);

    clock.advance(1);
    const refused = expectError(await server.request('GET', WHOAMI, { token: key.token }), 401, 'API_KEY_ROTATION_REQUIRED');
    expect(refused.details).toEqual({ rotationDueAt: dueAt, refusedFrom });
    expectError(await server.request('GET', '/api/v1/invoices', { token: key.token }), 401, 'API_KEY_ROTATION_REQUIRED');
    // Proven first: a wrong secret for the same key says nothing about its age.
    expectError(
      await server.request('GET', WHOAMI, { token: `${key.token.slice(0, 26)}${'A'.repeat(key.token.length - 26)}` }),
      401,
      'INVALID_CREDENTIALS',
    );
    // Still audited once, although never accepted after the grace.
    expect(await waitForDueEvents(key.id, 1)).toHaveLength(1);

    // Switching enforcement off lets it in again at once (with the header).
    await putPolicy({ enforceMaxKeyAge: false });
    expect((await server.request('GET', WHOAMI, { token: key.token })).status).toBe(200);
    await putPolicy({ enforceMaxKeyAge: true });
    expectError(await server.request('GET', WHOAMI, { token: key.token }), 401, 'API_KEY_ROTATION_REQUIRED');

    // Rotation by another (fresh) credential resets the age; the new secret is not due.
    const admin = (await server.createOrgKey(org, ORG_KEY_SCOPES)).token;
    const rotated = await server.request('POST', keysPath(org, key.id, 'rotate'), { token: admin, body: { gracePeriodSeconds: 0 } });
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const newDue = plusDays(rotated.body.lastRotatedAt, 30);
    expect(rotated.body.rotationDueAt).toBe(newDue);
    const fresh = await server.request('GET', WHOAMI, { token: rotated.body.token });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get(KEY_ROTATION_DUE_HEADER)).toBeNull();
    expect(fresh.body.rotationDueAt).toBe(newDue);
    expect((await getKey(key.id)).rotationDueAt).toBe(newDue);

    // The new secret falls due in its turn: a second event, for the second secret only.
    clock.advance(31 * DAY);
    const again = await server.request('GET', WHOAMI, { token: rotated.body.token });
    expect(again.status).toBe(200);
    expect(again.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(newDue);
    const events = await waitForDueEvents(key.id, 2);
    expect(events.map((e) => JSON.parse(e.metadata).rotationDueAt)).toEqual([dueAt, newDue]);
  });

  it('rotation grace never revives an overdue secret, and a due secret keeps it only until its refusal', async () => {
    await putPolicy({ maxKeyAgeDays: 30, enforceMaxKeyAge: true, rotationGraceDays: 7 });
    const admin = async () => (await server.createOrgKey(org, ORG_KEY_SCOPES)).token;
    const overdue = await newKey(['invoice:read']);
    clock.advance(37 * DAY);
    expectError(await server.request('GET', WHOAMI, { token: overdue.token }), 401, 'API_KEY_ROTATION_REQUIRED');

    // The overdue key is rotated with a day of grace: its old secret stays refused (no grace at all).
    const rotatedOverdue = await server.request('POST', keysPath(org, overdue.id, 'rotate'), {
      token: await admin(),
      body: { gracePeriodSeconds: 86_400 },
    });
    expect(rotatedOverdue.status, JSON.stringify(rotatedOverdue.body)).toBe(200);
    expect(rotatedOverdue.body.previousSecretExpiresAt ?? null).toBeNull();
    expectError(await server.request('GET', WHOAMI, { token: overdue.token }), 401, 'INVALID_CREDENTIALS');
    expect((await server.request('GET', WHOAMI, { token: rotatedOverdue.body.token })).status).toBe(200);

    // A key rotated while due but not yet refused keeps its old secret until the refusal, not a day past it.
    const later = await newKey(['invoice:read']);
    clock.advance(36 * DAY);
    const laterRefusedFrom = plusDays(later.createdAt, 37);
    const rotatedDue = await server.request('POST', keysPath(org, later.id, 'rotate'), {
      token: await admin(),
      body: { gracePeriodSeconds: 3 * 86_400 },
    });
    expect(rotatedDue.status, JSON.stringify(rotatedDue.body)).toBe(200);
    expect(rotatedDue.body.previousSecretExpiresAt).toBe(laterRefusedFrom);
    expect((await server.request('GET', WHOAMI, { token: later.token })).status).toBe(200);
    clock.advance(DAY);
    expectError(await server.request('GET', WHOAMI, { token: later.token }), 401, 'INVALID_CREDENTIALS');
    expect((await server.request('GET', WHOAMI, { token: rotatedDue.body.token })).status).toBe(200);
  });

  it('a key nobody uses is audited by the hourly sweep, once; a rotated or revoked key is not', async () => {
    const idle = await newKey();
    const rotated = await newKey();
    const revoked = await newKey();
    const owner = { tier: 'organization' as const, organizationId: org };
    await putPolicy({ maxKeyAgeDays: 5 });
    clock.advance(4 * DAY);
    await server.gateway.keys.rotate(owner, rotated.id, 0, { scopes: ALL_SCOPES, origin: OPERATOR });
    await server.gateway.keys.revoke(owner, revoked.id, undefined, OPERATOR);
    await server.gateway.rotationDue.sweep();
    expect(await dueEvents(idle.id)).toHaveLength(0);
    clock.advance(2 * DAY);
    expect(await server.gateway.rotationDue.sweep()).toBeGreaterThanOrEqual(1);
    await server.gateway.rotationDue.sweep();
    const events = await dueEvents(idle.id);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.metadata)).toMatchObject({ rotationDueAt: plusDays(idle.createdAt, 5) });
    expect(await dueEvents(rotated.id)).toHaveLength(0);
    expect(await dueEvents(revoked.id)).toHaveLength(0);
    // Its first use afterwards reports it (header) but writes no second event.
    const res = await server.request('GET', WHOAMI, { token: idle.token });
    expect(res.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(plusDays(idle.createdAt, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(await dueEvents(idle.id)).toHaveLength(1);
  });

  it('the rotation-due event is written once when several instances see the key due at once', async () => {
    const key = await newKey();
    const record = (await server.gateway.verifier.verify(key.token)) as { ok: true; key: Parameters<RotationDueNotifier['notify']>[0] };
    expect(record.ok).toBe(true);
    const db = server.gateway.database.db;
    const instances = Array.from({ length: 4 }, () => new RotationDueNotifier({ db, now: clock.now }));
    const dueAt = clock.now().toISOString();
    await Promise.all(instances.flatMap((n) => [n.notify(record.key, dueAt, null), n.notify(record.key, dueAt, null)]));
    expect(await dueEvents(key.id)).toHaveLength(1);
    // A stale record of an older secret (read before a rotation) claims nothing for the new one.
    await server.gateway.keys.rotate({ tier: 'organization', organizationId: org }, key.id, 0, { scopes: ALL_SCOPES, origin: OPERATOR });
    await new RotationDueNotifier({ db, now: clock.now }).notify(record.key, dueAt, null);
    expect(await dueEvents(key.id)).toHaveLength(1);
  });
});

describe('key rotation policy: the header through CORS (sqlite)', () => {
  it('browsers on an allowed origin may read Payment-Gateway-Key-Rotation-Due (Access-Control-Expose-Headers)', async () => {
    const clock = createTestClock();
    const origin = 'https://shop.example';
    const server = await startTestServer({ now: clock.now, env: { CORS_ORIGINS: origin, CORS_ADMIN_API: 'true' } });
    try {
      const org = await server.createOrganization('CORS');
      const key = await server.createOrgKey(org, ['invoice:read']);
      await server.gateway.settings.update({ keyPolicy: { maxKeyAgeDays: 1 } }, OPERATOR);
      clock.advance(2 * DAY);
      const res = await server.request('GET', WHOAMI, { token: key.token, headers: { origin } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get(KEY_ROTATION_DUE_HEADER)).toBe(plusDays(key.createdAt, 1));
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
      expect(exposed).toContain(KEY_ROTATION_DUE_HEADER.toLowerCase());
    } finally {
      await server.close();
    }
  });
});
