// SPEC §5 recurring processing (issue 13): due schedules generate their invoices once per period
// (POST /system/recurring/process, run twice or concurrently), next run dates advance, paused and
// cancelled schedules never generate, schedules past their end date complete, dates near the end
// of the calendar never store a malformed next run date; GET /system/recurring/status reports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceSchedule } from '../src/billing/recurring-period.js';
import { expectError } from './auth-matrix.js';
import { auditActions, createBillingOrg, LINE, manualClock, type BillingOrg } from './billing-fixtures.js';
import { DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';

const PROCESS = '/api/v1/system/recurring/process';
const STATUS = '/api/v1/system/recurring/status';

describe.each(DIALECTS)('recurring processing (%s)', (dialect) => {
  const clock = manualClock(new Date('2030-01-15T10:00:00.000Z'));
  let server: TestServer;
  let acme: BillingOrg;
  let system: string;
  let clientId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    acme = await createBillingOrg(server, 'Acme');
    system = (await server.createSystemKey(['system:execute', 'system:read'])).token;
    clientId = await acme.createClient('ada@example.com');
  });
  afterAll(async () => server?.close());

  const processNow = async () => {
    const res = await server.request('POST', PROCESS, { token: system });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { generated: number; completed: number; errors: unknown[]; trigger: string };
  };
  const schedule = async (id: string) => (await server.request('GET', `/api/v1/invoices/recurring/${id}`, { token: acme.token })).body;
  const invoicesOf = async (scheduleId: string) =>
    server.gateway.database.db
      .selectFrom('invoices')
      .selectAll()
      .where('recurring_schedule_id', '=', scheduleId)
      .orderBy('recurring_period')
      .execute();
  const createSchedule = async (body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/v1/invoices/recurring', {
      token: acme.token,
      body: { clientId, interval: 'monthly', currency: 'EUR', lines: [LINE], startDate: '2030-01-15', ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  it('generates the due period once, however often it runs, and advances the next run date', async () => {
    const id = await createSchedule({});
    const first = await processNow();
    expect(first).toMatchObject({ generated: 1, completed: 0, errors: [], trigger: 'api' });
    expect((await processNow()).generated).toBe(0);
    expect((await processNow()).generated).toBe(0);
    const invoices = await invoicesOf(id);
    expect(invoices.map((i) => i.recurring_period)).toEqual(['2030-01-15']);
    const api = await server.request('GET', `/api/v1/invoices/${invoices[0]!.id}`, { token: acme.token });
    expect(api.body).toMatchObject({
      status: 'issued',
      number: expect.stringMatching(/^INV-\d{6}$/),
      recurringScheduleId: id,
      dueDate: '2030-01-15',
      totalAmount: 2500,
      currency: 'EUR',
      clientId,
    });
    expect((await schedule(id)).nextRunDate).toBe('2030-02-15');

    // Two missed periods are both invoiced (each once), and the schedule moves past today.
    clock.advanceDays(60); // 2030-03-16
    expect((await processNow()).generated).toBe(2);
    expect((await invoicesOf(id)).map((i) => i.recurring_period)).toEqual(['2030-01-15', '2030-02-15', '2030-03-15']);
    expect((await schedule(id)).nextRunDate).toBe('2030-04-15');
    const numbers = (await invoicesOf(id)).map((i) => i.number);
    expect(new Set(numbers).size).toBe(3);

    const events = (await auditActions(server, acme.organizationId)).filter((e) => e.action === 'recurring_schedule.invoice_generated');
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ actor_type: 'system', actor_id: 'recurring', target_type: 'invoice' });
    expect(JSON.parse(events[0]!.metadata)).toMatchObject({ scheduleId: id, period: '2030-01-15' });
  });

  it('concurrent runs generate each period once (one holds the lease, the others get 409)', async () => {
    const ids = await Promise.all([0, 1, 2, 3, 4].map(() => createSchedule({ startDate: clock.now().toISOString().slice(0, 10) })));
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map(() => server.request('POST', PROCESS, { token: system })));
    for (const r of results.filter((r) => r.status !== 200)) expectError(r, 409, 'RECURRING_RUN_IN_PROGRESS');
    const generated = results.filter((r) => r.status === 200).reduce((n, r) => n + r.body.generated, 0);
    expect(generated).toBe(5);
    for (const id of ids) expect(await invoicesOf(id)).toHaveLength(1);
  });

  it('the unique (schedule, period) index holds even when two runs race without the lease', async () => {
    const id = await createSchedule({ startDate: clock.now().toISOString().slice(0, 10) });
    const today = clock.now().toISOString().slice(0, 10);
    const { db, dialect: d } = server.gateway.database;
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map(() => advanceSchedule(db, d, id, today, clock.now())));
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.invoiceId).length).toBe(1);
    expect(await invoicesOf(id)).toHaveLength(1);
    await expect(
      db
        .insertInto('invoices')
        .values({ ...(await invoicesOf(id))[0]!, id: 'inv_duplicateduplicate00', number: null })
        .execute(),
    ).rejects.toThrow();
  });

  it('paused and cancelled schedules never generate; a resumed one starts from today', async () => {
    const paused = await createSchedule({ startDate: '2030-03-20' });
    const cancelled = await createSchedule({ startDate: '2030-03-20' });
    await server.request('POST', `/api/v1/invoices/recurring/${paused}/pause`, { token: acme.token });
    await server.request('POST', `/api/v1/invoices/recurring/${cancelled}/cancel`, { token: acme.token });
    clock.advanceDays(40); // 2030-04-25
    await processNow();
    expect(await invoicesOf(paused)).toEqual([]);
    expect(await invoicesOf(cancelled)).toEqual([]);
    expect((await schedule(cancelled)).nextRunDate).toBeNull();
    const resumed = await server.request('POST', `/api/v1/invoices/recurring/${paused}/resume`, { token: acme.token });
    expect(resumed.body).toMatchObject({ status: 'active', nextRunDate: '2030-05-20' });
    await processNow();
    expect(await invoicesOf(paused)).toEqual([]);
  });

  it('a schedule completes once its end date has passed, after its last period', async () => {
    const start = clock.now().toISOString().slice(0, 10); // 2030-04-25
    const id = await createSchedule({ interval: 'weekly', startDate: start, endDate: '2030-05-09' });
    expect((await schedule(id)).endDate).toBe('2030-05-09');
    clock.advanceDays(30);
    const run = await processNow();
    expect(run.completed).toBeGreaterThanOrEqual(1);
    expect((await invoicesOf(id)).map((i) => i.recurring_period)).toEqual(['2030-04-25', '2030-05-02', '2030-05-09']);
    expect(await schedule(id)).toMatchObject({ status: 'completed', nextRunDate: null });
    const cancel = await server.request('POST', `/api/v1/invoices/recurring/${id}/cancel`, { token: acme.token });
    expectError(cancel, 409, 'INVALID_STATE');
    const completed = await server.request('GET', '/api/v1/invoices/recurring?status=completed', { token: acme.token });
    expect(completed.body.items.map((s: { id: string }) => s.id)).toContain(id);
    expect(
      (await auditActions(server, acme.organizationId)).some((e) => e.action === 'recurring_schedule.completed' && e.target_id === id),
    ).toBe(true);
  });

  it('refuses an end date before the start date', async () => {
    const res = await server.request('POST', '/api/v1/invoices/recurring', {
      token: acme.token,
      body: { clientId, interval: 'monthly', currency: 'EUR', lines: [LINE], startDate: '2031-01-10', endDate: '2031-01-09' },
    });
    expect(expectError(res, 400, 'VALIDATION_FAILED').details!.issues).toEqual([{ path: 'body.endDate', message: expect.any(String) }]);
  });

  it('schedules of an offboarded organization do not generate', async () => {
    const gone = await createBillingOrg(server, 'Gone');
    const goneClient = await gone.createClient('x@example.com');
    const id = (
      await server.request('POST', '/api/v1/invoices/recurring', {
        token: gone.token,
        body: {
          clientId: goneClient,
          interval: 'monthly',
          currency: 'EUR',
          lines: [LINE],
          startDate: clock.now().toISOString().slice(0, 10),
        },
      })
    ).body.id as string;
    await server.gateway.organizations.offboard(gone.organizationId, OPERATOR);
    await processNow();
    expect(await invoicesOf(id)).toEqual([]);
  });

  it('status reports the last run, the generated count, what is due and the timer (off here)', async () => {
    await createSchedule({ startDate: clock.now().toISOString().slice(0, 10) });
    const before = await server.request('GET', STATUS, { token: system });
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ intervalMs: 0, nextRunAt: null, running: false, dueSchedules: 1 });
    const run = await processNow();
    const after = (await server.request('GET', STATUS, { token: system })).body;
    expect(after.dueSchedules).toBe(0);
    expect(after.totalGenerated).toBe(before.body.totalGenerated + 1);
    expect(after.lastRun).toMatchObject({ ...run, finishedAt: expect.any(String) });
    expect(after.nextDueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('needs system:execute to process and system:read for status', async () => {
    const reader = (await server.createSystemKey(['system:read'])).token;
    expect(expectError(await server.request('POST', PROCESS, { token: reader }), 403, 'INSUFFICIENT_SCOPE').details).toEqual({
      requiredScope: 'system:execute',
    });
    expectError(await server.request('POST', PROCESS, { token: acme.token }), 403, 'CREDENTIAL_NOT_ACCEPTED');
  });
});

describe.each(DIALECTS)('recurring dates at the end of the calendar (%s)', (dialect) => {
  let server: TestServer;
  let org: BillingOrg;
  let system: string;
  const clock = manualClock(new Date('9999-12-31T10:00:00.000Z'));

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    org = await createBillingOrg(server, 'Far future');
    system = (await server.createSystemKey(['system:execute'])).token;
  });
  afterAll(async () => server?.close());

  it.each(['weekly', 'monthly', 'quarterly', 'yearly'])(
    'startDate 9999-12-31 (%s) invoices once and completes; no malformed date',
    async (interval) => {
      const clientId = await org.createClient(`${interval}@example.com`);
      const created = await server.request('POST', '/api/v1/invoices/recurring', {
        token: org.token,
        body: { clientId, interval, currency: 'EUR', lines: [LINE], startDate: '9999-12-31' },
      });
      expect(created.status).toBe(201);
      expect(created.body.nextRunDate).toBe('9999-12-31');
      for (const action of ['pause', 'resume']) {
        const res = await server.request('POST', `/api/v1/invoices/recurring/${created.body.id}/${action}`, { token: org.token });
        expect(res.status).toBe(200);
        expect(res.body.nextRunDate).toBe('9999-12-31');
      }
      const run = await server.request('POST', PROCESS, { token: system });
      expect(run.body).toMatchObject({ generated: 1, completed: 1, errors: [] });
      const after = await server.request('GET', `/api/v1/invoices/recurring/${created.body.id}`, { token: org.token });
      expect(after.body).toMatchObject({ status: 'completed', nextRunDate: null });
      const stored = await server.gateway.database.db
        .selectFrom('recurring_schedules')
        .select('next_run_date')
        .where('id', '=', created.body.id)
        .executeTakeFirstOrThrow();
      expect(stored.next_run_date).toBeNull();
    },
  );
});

describe('recurring processing from the CLI next to a running server (sqlite)', () => {
  it('the CLI run and the server run share the lease and the once-per-period guarantee', async () => {
    const { runCommand } = await import('../src/cli/commands.js');
    const server = await startTestServer();
    try {
      const org = await createBillingOrg(server, 'CLI');
      const clientId = await org.createClient('cli@example.com');
      const today = new Date().toISOString().slice(0, 10);
      await server.request('POST', '/api/v1/invoices/recurring', {
        token: org.token,
        body: { clientId, interval: 'weekly', currency: 'EUR', lines: [LINE], startDate: today },
      });
      const printed: string[] = [];
      const log = console.log;
      console.log = (line: string) => printed.push(line);
      try {
        expect(await runCommand('recurring:process', { json: true }, server.gateway.config, '')).toBe(0);
      } finally {
        console.log = log;
      }
      expect(JSON.parse(printed.join('\n'))).toMatchObject({ trigger: 'cli', generated: 1 });
      const system = (await server.createSystemKey(['system:execute', 'system:read'])).token;
      expect((await server.request('POST', PROCESS, { token: system })).body.generated).toBe(0);
      const status = await server.request('GET', STATUS, { token: system });
      expect(status.body).toMatchObject({ totalGenerated: 1, dueSchedules: 0 });
    } finally {
      await server.close();
    }
  });
});
