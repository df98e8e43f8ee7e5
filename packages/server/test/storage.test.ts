import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyRecord } from '../src/keys/key-record.js';
import * as repo from '../src/keys/key-repository.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../src/storage/database.js';
import { createTestDatabase, DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';
import { keyRecord } from './key-record-fixture.js';

/** One database of the dialect, fresh for this file. */
async function freshDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ open(): DatabaseHandle; drop(): Promise<void> }> {
  if (dialect === 'postgres') {
    const pg = await createTestDatabase();
    return { open: () => openDatabase({ databaseUrl: pg.url }), drop: pg.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gw-storage-'));
  return { open: () => openDatabase({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each(DIALECTS)('storage (%s)', (dialect) => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let handle: DatabaseHandle;
  const orgId = 'org_storagetest0000000001';

  beforeAll(async () => {
    fresh = await freshDatabase(dialect);
    handle = fresh.open();
  });
  afterAll(async () => {
    await handle?.close();
    await fresh?.drop();
  });

  it('applies migrations once; applying them again (also from another connection) changes nothing', async () => {
    const first = await migrateToLatest(handle);
    expect(first.results?.length).toBeGreaterThan(0);
    expect(first.results!.every((r) => r.status === 'Success')).toBe(true);
    expect(first.results!.map((r) => r.migrationName)).toContain('001-core');
    expect((await migrateToLatest(handle)).results).toEqual([]);
    const other = fresh.open();
    try {
      expect((await migrateToLatest(other)).results).toEqual([]);
    } finally {
      await other.close();
    }
    const now = new Date().toISOString();
    await handle.db
      .insertInto('organizations')
      .values({ id: orgId, name: 'Storage', status: 'active', portal_enabled: 1, created_at: now, updated_at: now, offboarded_at: null })
      .execute();
  });

  it('round-trips a key record through the repository', async () => {
    const key: KeyRecord = keyRecord({
      id: 'RoundTrip0000000000001',
      organizationId: orgId,
      scopes: ['invoice:read', 'client:*'],
      ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
      expiresAt: '2031-01-01T00:00:00.000Z',
      description: 'a description',
      createdBy: { type: 'api_key', id: 'Creator000000000000001' },
      previousSecretHash: 'f'.repeat(64),
      previousPepperVersion: 1,
      previousSecretExpiresAt: '2030-01-02T00:00:00.000Z',
      lastRotatedAt: '2030-01-01T00:00:00.000Z',
    });
    await repo.insertKey(handle.db, key);
    expect(await repo.findKey(handle.db, key.id)).toEqual(key);
    expect(await repo.findKey(handle.db, 'Missing000000000000001')).toBeNull();

    // Optimistic locking: a write against a stale version does nothing.
    const renamed = { ...key, name: 'renamed', version: 2 };
    expect(await repo.updateKeyIfVersion(handle.db, renamed, 1)).toBe(true);
    expect(await repo.updateKeyIfVersion(handle.db, { ...key, name: 'lost update', version: 2 }, 1)).toBe(false);
    expect(await repo.findKey(handle.db, key.id)).toEqual(renamed);

    const list = await repo.listKeys(handle.db, { tier: 'organization', organizationId: orgId, page: 1, limit: 10 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toEqual(renamed);
    expect((await repo.listKeys(handle.db, { tier: 'system', page: 1, limit: 10 })).total).toBe(0);
    expect(
      (await repo.listKeys(handle.db, { tier: 'organization', organizationId: orgId, status: 'revoked', page: 1, limit: 10 })).total,
    ).toBe(0);

    // lastUsedAt only moves forward.
    await repo.touchLastUsed(handle.db, new Map([[key.id, '2030-06-01T00:00:00.000Z']]));
    await repo.touchLastUsed(handle.db, new Map([[key.id, '2030-05-01T00:00:00.000Z']]));
    expect((await repo.findKey(handle.db, key.id))!.lastUsedAt).toBe('2030-06-01T00:00:00.000Z');

    expect(await repo.revokeOrganizationKeys(handle.db, orgId, '2030-07-01T00:00:00.000Z', 'offboarded')).toEqual([key.id]);
    const revoked = (await repo.findKey(handle.db, key.id))!;
    // The previous secret stays recorded so it is answered API_KEY_REVOKED rather than INVALID_CREDENTIALS.
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'offboarded', previousSecretHash: 'f'.repeat(64), version: 3 });

    expect(await repo.deleteKey(handle.db, key.id)).toBe(true);
    expect(await repo.deleteKey(handle.db, key.id)).toBe(false);
    expect(await repo.findKey(handle.db, key.id)).toBeNull();
  });
});

describe.each(DIALECTS)('concurrent key changes (%s)', (dialect) => {
  let server: TestServer;
  let orgId: string;
  const owner = () => ({ tier: 'organization' as const, organizationId: orgId });
  const grantor = { scopes: ['invoice:read' as const], origin: OPERATOR };
  const valid = async (token: string) => (await server.gateway.verifier.verify(token)).ok;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    orgId = await server.createOrganization();
  });
  afterAll(async () => server?.close());

  it('two concurrent rotations both land, one after the other: the last token works, the other does not', async () => {
    for (let round = 0; round < 5; round++) {
      const key = await server.createOrgKey(orgId, ['invoice:read']);
      const results = await Promise.all([
        server.gateway.keys.rotate(owner(), key.id, 0, grantor),
        server.gateway.keys.rotate(owner(), key.id, 0, grantor),
      ]);
      const tokens = results.map((r) => r.token);
      expect(tokens[0]).not.toBe(tokens[1]);
      const working = [];
      for (const t of tokens) if (await valid(t)) working.push(t);
      expect(working).toHaveLength(1);
      expect(await valid(key.token)).toBe(false);
      const row = await server.gateway.database.db
        .selectFrom('api_keys')
        .select(['version', 'secret_prefix'])
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow();
      expect(row.version).toBe(3);
      expect(working[0]!.slice(26, 30)).toBe(row.secret_prefix);
      const audits = await server.gateway.database.db.selectFrom('audit_events').select('action').where('target_id', '=', key.id).execute();
      expect(audits.filter((a) => a.action === 'api_key.rotated')).toHaveLength(2);
    }
  });

  it('a concurrent revoke and rotate always end revoked, with no working secret', async () => {
    for (let round = 0; round < 5; round++) {
      const key = await server.createOrgKey(orgId, ['invoice:read']);
      const [rotated, revoked] = await Promise.allSettled([
        server.gateway.keys.rotate(owner(), key.id, 3600, grantor),
        server.gateway.keys.revoke(owner(), key.id, 'race', OPERATOR),
      ]);
      expect(revoked.status).toBe('fulfilled');
      if (rotated.status === 'fulfilled') {
        expect(await server.gateway.verifier.verify(rotated.value.token)).toMatchObject({ ok: false, reason: 'revoked' });
      } else {
        expect((rotated.reason as { code?: string }).code).toBe('INVALID_STATE');
      }
      expect(await server.gateway.verifier.verify(key.token)).toMatchObject({ ok: false });
      const after = await server.gateway.keys.get(owner(), key.id);
      expect(after).toMatchObject({ status: 'revoked' });
    }
  });

  it('key creations racing an offboarding never leave an active key in the offboarded organization', async () => {
    for (let round = 0; round < 3; round++) {
      const org = await server.createOrganization(`race ${round}`);
      const creations = Array.from({ length: 8 }, (_, n) =>
        server.gateway.keys.create({ tier: 'organization', organizationId: org }, { name: `k${n}`, scopes: ['invoice:read'] }, grantor),
      );
      creations.splice(2 + round, 0, server.gateway.organizations.offboard(org, OPERATOR) as never);
      const results = await Promise.allSettled(creations);
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('INVALID_STATE');
      }
      const active = await server.gateway.database.db
        .selectFrom('api_keys')
        .select('id')
        .where('organization_id', '=', org)
        .where('status', '=', 'active')
        .execute();
      expect(active).toEqual([]);
    }
  });
});
