import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE } from './billing-fixtures.js';
import { createTestDatabase, TEST_DATABASE_URL } from './harness.js';
import { sleep, startInstances, waitFor, type Instance } from './support/instances.js';

// SPEC §5 / issue 13: three server processes on one PostgreSQL, each with its recurring timer
// (RECURRING_INTERVAL_MS=100), race to process schedules that become due while they run: each
// period is invoiced exactly once, and runs never overlap (one lease holder at a time).
if (!TEST_DATABASE_URL) console.log('[multi-instance-recurring] TEST_DATABASE_URL is not set: the PostgreSQL suite is skipped');

const SCHEDULES = 30;

describe.skipIf(!TEST_DATABASE_URL)('recurring timers racing on three instances', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: pg.Client;
  let instances: Instance[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    instances = await startInstances(3, { databaseUrl: db.url, env: { RECURRING_INTERVAL_MS: '100' } });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 60_000);
  afterAll(async () => {
    await sql?.end();
    await Promise.all(instances.map((i) => i.close()));
    await db?.drop();
  });

  it('invoices every due period once while the timers of all instances run', { timeout: 90_000 }, async () => {
    const orgId = await instances[0]!.createOrganization('Recurring race');
    const { token } = await instances[1]!.createKey(orgId, ['client:create', 'invoice:create', 'invoice:read']);
    const system = (await instances[2]!.createKey(null, ['system:read'])).token;
    const today = new Date().toISOString().slice(0, 10);
    const client = await instances[0]!.request('POST', '/api/v1/clients', { token, body: { email: 'race@example.com', name: 'Race' } });
    expect(client.status).toBe(201);
    const ids: string[] = [];
    // Created through every instance while their timers run: each becomes due at once.
    for (let i = 0; i < SCHEDULES; i++) {
      const res = await instances[i % 3]!.request('POST', '/api/v1/invoices/recurring', {
        token,
        body: { clientId: client.body.id, interval: 'monthly', currency: 'EUR', lines: [LINE], startDate: today },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    await waitFor(
      'every schedule invoiced',
      async () => {
        const { rows } = await sql.query<{ n: string }>(
          'SELECT count(DISTINCT recurring_schedule_id) AS n FROM invoices WHERE recurring_schedule_id = ANY($1)',
          [ids],
        );
        return Number(rows[0]!.n) === SCHEDULES;
      },
      30_000,
      50,
    );
    // Many more ticks on every instance: nothing is generated twice.
    await sleep(1500);
    const perSchedule = await sql.query<{ id: string; n: string }>(
      'SELECT recurring_schedule_id AS id, count(*) AS n FROM invoices WHERE recurring_schedule_id = ANY($1) GROUP BY recurring_schedule_id',
      [ids],
    );
    expect(perSchedule.rows).toHaveLength(SCHEDULES);
    expect(perSchedule.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    const numbers = await sql.query<{ number: string }>('SELECT number FROM invoices WHERE organization_id = $1', [orgId]);
    expect(new Set(numbers.rows.map((r) => r.number)).size).toBe(SCHEDULES);

    // One run at a time: the runs' [start, finish] intervals never overlap, whichever instance ran them.
    const runs = await sql.query<{ instance: string; started_at: string; finished_at: string | null; generated: number }>(
      'SELECT instance, started_at, finished_at, generated FROM recurring_runs ORDER BY started_at',
    );
    const finished = runs.rows.filter((r) => r.finished_at !== null);
    expect(finished.length).toBeGreaterThan(1);
    for (let i = 1; i < finished.length; i++) expect(finished[i]!.started_at >= finished[i - 1]!.finished_at!).toBe(true);
    expect(finished.reduce((n, r) => n + Number(r.generated), 0)).toBe(SCHEDULES);

    for (const instance of instances) {
      const status = await instance.request('GET', '/api/v1/system/recurring/status', { token: system });
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ intervalMs: 100, dueSchedules: 0, totalGenerated: SCHEDULES });
      expect(status.body.nextRunAt).toEqual(expect.any(String));
    }
    for (const instance of instances) expect(instance.output()).not.toMatch(/recurring schedule failed/);
  });
});
