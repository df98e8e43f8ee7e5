import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINE } from './billing-fixtures.js';
import { TEST_DATABASE_URL } from './harness.js';
import { stillRunning } from './support/fault-load.js';
import { sleep, waitFor } from './support/instances.js';
import { startProxiedInstance, type ProxiedInstance } from './support/proxied-instance.js';

// SPEC §5 + §7.4: recurring processing cut from PostgreSQL in the middle of a run (held on a
// schedule's row lock, then a silent partition). The run answers 503 in time; the process
// stays up; once the partition heals the next run starts within seconds (the run's lease must
// not stay held for its whole TTL, 5 min, because its release met the outage too) and every
// period is invoiced exactly once.
if (!TEST_DATABASE_URL) console.log('[faults-recurring-lease] TEST_DATABASE_URL is not set: skipped');

const TIMEOUT_MS = 3000;

describe.skipIf(!TEST_DATABASE_URL)('recurring processing when the database goes away mid-run', () => {
  let f: ProxiedInstance;

  beforeAll(async () => {
    // No timer: the test drives the runs through the API.
    f = await startProxiedInstance('R', { env: { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS), RECURRING_INTERVAL_MS: '0' } });
  });
  afterAll(async () => f?.close());

  const process = (token: string) =>
    fetch(`${f.gw.url}/api/v1/system/recurring/process`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(30_000),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, retryAfter: r.headers.get('retry-after') }));

  it('a run cut off by a silent partition: 503, the lease is freed once the database is back, one invoice per period', {
    timeout: 90_000,
  }, async () => {
    const orgId = await f.gw.createOrganization('Recurring faults');
    const { token } = await f.gw.createKey(orgId, ['client:create', 'invoice:create', 'invoice:read']);
    const system = (await f.gw.createKey(null, ['system:execute', 'system:read'])).token;
    const client = await f.gw.request('POST', '/api/v1/clients', { token, body: { email: 'lease@example.com', name: 'Lease' } });
    expect(client.status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const schedule = await f.gw.request('POST', '/api/v1/invoices/recurring', {
      token,
      body: { clientId: client.body.id, interval: 'monthly', currency: 'EUR', lines: [LINE], startDate: today },
    });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(201);

    await f.admin.query('begin');
    await f.admin.query('select id from recurring_schedules where id = $1 for update', [schedule.body.id]);
    const pending = process(system);
    try {
      await waitFor(
        'the run to wait on the schedule',
        async () => {
          await f.admin.query('select pg_stat_clear_snapshot()');
          const r = await f.admin.query(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          );
          return r.rows[0].n >= 1;
        },
        TIMEOUT_MS - 1000,
        20,
      );
      f.proxy.blackhole();
      const cut = await pending;
      expect(cut.status, JSON.stringify(cut.body)).toBe(503);
      expect(cut.retryAfter).toBeTruthy();
    } finally {
      await f.admin.query('rollback').catch(() => {});
    }
    await sleep(1000);
    f.proxy.heal();
    await waitFor('the gateway to be ready again', async () => (await f.gw.request('GET', '/health/ready')).status === 200, 20_000, 100);

    // Well within the lease's 5 min TTL: the next run starts and invoices the period.
    const run = await waitFor(
      'a run to start again',
      async () => {
        const r = await process(system);
        return r.status === 200 ? r : null;
      },
      20_000,
      250,
    );
    expect(run.body.generated).toBe(1);
    expect((await process(system)).body.generated).toBe(0);
    const invoices = await f.admin.query('select count(*)::int as n from invoices where recurring_schedule_id = $1', [schedule.body.id]);
    expect(invoices.rows[0].n).toBe(1);
    expect(await stillRunning(f.gw)).toBe('running');
  });
});
