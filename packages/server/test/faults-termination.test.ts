import type { Scope } from '@payment-gateway/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_FEED_APPLICATION_NAME } from '../src/storage/pg-change-feed.js';
import { createTestDatabase, TEST_DATABASE_URL } from './harness.js';
import {
  expectAnsweredInTime,
  expectNoLateAcceptance,
  startLoad,
  stillRunning,
  timedRequest,
  untilAccepted,
  type FaultStream,
} from './support/fault-load.js';
import { sleep, startInstances, waitFor, type Instance } from './support/instances.js';

// SPEC §7.4 (issue sample 1): PostgreSQL terminates the pool's backends under write load, every
// 0.5 s. Checked-out clients lose their connection mid-query; none of that may end a process.
// Requests answer 2xx or 503 in time, a key revoked meanwhile stops working everywhere, and
// the instances serve again without a restart.
if (!TEST_DATABASE_URL) console.log('[faults-termination] TEST_DATABASE_URL is not set: skipped');

const TIMEOUT_MS = 1000;
const LIVENESS_MS = 1000;
const ENV = { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS), FEED_LIVENESS_MS: String(LIVENESS_MS) };

describe.skipIf(!TEST_DATABASE_URL)('backends terminated under write load', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let admin: pg.Client;
  let instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    instances = await startInstances(2, { databaseUrl: db.url, env: ENV });
    admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => {});
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end().catch(() => {});
    await Promise.all(instances.map((i) => i.close()));
    await db?.drop();
  });

  it('no process exits, every request is answered in time, and the revoke holds', async () => {
    const [a] = instances as [Instance, Instance];
    const orgId = await a.createOrganization('Termination');
    const manager = (await a.createKey(orgId, ['api_key:*'] as Scope[])).token;
    const writer = (await a.createKey(orgId, ['client:create'])).token;
    const revoked = await a.createKey(orgId, ['client:read']);
    for (const i of instances) expect((await i.request('GET', '/api/v1/auth/whoami', { token: revoked.token })).status).toBe(200);

    const streams: FaultStream[] = [
      ...[0, 1, 2, 3].map((n) => ({
        name: `A writes ${n}`,
        instance: a,
        method: 'POST',
        path: '/api/v1/clients',
        token: writer,
        body: (k: number) => ({ email: `t${n}-${k}-${Date.now()}@example.com`, name: 'Customer' }),
        ok: [201] as const,
      })),
      ...instances.flatMap((i) => [
        {
          name: `${i.name} revoked key`,
          instance: i,
          method: 'GET',
          path: '/api/v1/auth/whoami',
          token: revoked.token,
          ok: [200, '401 API_KEY_REVOKED'] as const,
        },
        { name: `${i.name} ready`, instance: i, method: 'GET', path: '/health/ready', ok: [200] as const },
      ]),
    ];
    const load = startLoad(streams);
    await sleep(300);
    // The statement (pool backends only); every third round also the LISTEN connections.
    const pool = `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name <> '${CHANGE_FEED_APPLICATION_NAME}' and pid <> pg_backend_pid()`;
    const all = 'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()';
    let revokedAt = 0;
    for (let round = 0; round < 8; round++) {
      await admin.query(round % 3 === 2 ? all : pool);
      if (round === 3) {
        revokedAt = await untilAccepted(() =>
          timedRequest(
            {
              name: 'revoke',
              instance: a,
              method: 'POST',
              path: `/api/v1/organizations/${orgId}/api-keys/${revoked.id}/revoke`,
              token: manager,
              body: () => ({}),
              ok: [200],
            },
            0,
          ),
        );
      }
      await sleep(500);
    }
    await waitFor(
      'every instance to be ready and serve again',
      async () => {
        for (const i of instances) {
          if ((await i.request('GET', '/health/ready')).status !== 200) return false;
          if (
            (
              await i.request('POST', '/api/v1/clients', {
                token: writer,
                body: { email: `after-${i.name}-${Date.now()}@example.com`, name: 'After' },
              })
            ).status !== 201
          )
            return false;
        }
        return true;
      },
      20_000,
      100,
    );
    const samples = await load.stop();

    for (const i of instances) expect(await stillRunning(i)).toBe('running');
    expectAnsweredInTime(samples, streams, { timeoutMs: TIMEOUT_MS, marginMs: 5000 });
    for (const i of instances) expectNoLateAcceptance(samples, `${i.name} revoked key`, revokedAt, LIVENESS_MS + 1000);
    expect(
      samples.filter((s) => s.stream.startsWith('A writes') && s.status === 201).length,
      'writes kept succeeding between the rounds',
    ).toBeGreaterThan(4);
    for (const i of instances) {
      const res = await i.request('GET', '/api/v1/auth/whoami', { token: revoked.token });
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: 401, code: 'API_KEY_REVOKED' });
    }
  });
});
