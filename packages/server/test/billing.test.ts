import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActions, createBillingOrg, LINE, manualClock, type BillingOrg } from './billing-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('billing resources (%s)', (dialect) => {
  const clock = manualClock(new Date('2030-01-31T12:00:00.000Z'));
  let server: TestServer;
  let acme: BillingOrg;
  let globex: BillingOrg;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    acme = await createBillingOrg(server, 'Acme');
    globex = await createBillingOrg(server, 'Globex');
  });
  afterAll(async () => server?.close());

  const as = (org: BillingOrg) => (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: org.token, body });

  describe('clients', () => {
    it('creates, gets and finds a client by email or externalId', async () => {
      const res = await as(acme)('POST', '/api/v1/clients', { email: ' Bob@Example.COM ', name: 'Bob', externalId: 'crm-42' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ email: 'bob@example.com', name: 'Bob', externalId: 'crm-42', organizationId: acme.organizationId });
      expect(res.body.id).toMatch(/^cli_/);
      expect((await as(acme)('GET', `/api/v1/clients/${res.body.id}`)).body).toEqual(res.body);
      const byExt = await as(acme)('GET', '/api/v1/clients?externalId=crm-42');
      expect(byExt.body).toMatchObject({ total: 1, page: 1, limit: 20 });
      expect(byExt.body.items[0].id).toBe(res.body.id);
      expect((await as(acme)('GET', '/api/v1/clients?email=BOB@example.com')).body.total).toBe(1);
      expect((await as(acme)('GET', '/api/v1/clients?externalId=nope')).body.total).toBe(0);
    });

    it('refuses a duplicate externalId in the same organization with 409, not across organizations', async () => {
      await acme.createClient('x@example.com', { externalId: 'dup-1' });
      const dup = await as(acme)('POST', '/api/v1/clients', { email: 'y@example.com', name: 'Y', externalId: 'dup-1' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('CONFLICT');
      expect((await as(globex)('POST', '/api/v1/clients', { email: 'y@example.com', name: 'Y', externalId: 'dup-1' })).status).toBe(201);
    });

    it('validates strictly', async () => {
      for (const body of [
        { email: 'bad', name: 'X' },
        { email: 'a@example.com', name: '' },
        { email: 'a@example.com', name: 'X', organizationId: acme.organizationId },
        {},
      ]) {
        const res = await as(acme)('POST', '/api/v1/clients', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect((await as(acme)('GET', '/api/v1/clients/not-an-id')).status).toBe(400);
    });

    it("answers 404 for another organization's client and never lists it", async () => {
      const theirs = await globex.createClient('secret@example.com');
      const res = await as(acme)('GET', `/api/v1/clients/${theirs}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect((await as(acme)('GET', '/api/v1/clients?email=secret@example.com')).body.total).toBe(0);
    });
  });

  describe('invoices', () => {
    it('creates a draft with its total, then issues it once with the next number of the organization', async () => {
      const clientId = await acme.createClient('inv@example.com');
      const draft = await as(acme)('POST', '/api/v1/invoices', {
        clientId,
        currency: 'EUR',
        lines: [LINE, { description: 'Setup', quantity: 1, unitAmount: 500 }],
        dueDate: '2030-02-28',
      });
      expect(draft.status).toBe(201);
      expect(draft.body).toMatchObject({
        status: 'draft',
        number: null,
        issuedAt: null,
        totalAmount: 3000,
        dueDate: '2030-02-28',
        recurringScheduleId: null,
      });

      const issued = await as(acme)('POST', `/api/v1/invoices/${draft.body.id}/issue`);
      expect(issued.status).toBe(200);
      expect(issued.body).toMatchObject({ status: 'issued', issuedAt: clock.now().toISOString() });
      expect(issued.body.number).toMatch(/^INV-\d{6}$/);

      const again = await as(acme)('POST', `/api/v1/invoices/${draft.body.id}/issue`);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('INVALID_STATE');

      const second = await acme.createInvoice(clientId);
      const issuedSecond = await as(acme)('POST', `/api/v1/invoices/${second}/issue`);
      expect(Number(issuedSecond.body.number.slice(4))).toBe(Number(issued.body.number.slice(4)) + 1);
      // Globex numbers its own invoices from 1.
      const g = await globex.customerWithIssuedInvoice('g@example.com');
      expect((await as(globex)('GET', `/api/v1/invoices/${g.invoiceId}`)).body.number).toBe('INV-000001');
    });

    it('issues concurrently without duplicate numbers, and exactly once per invoice', async () => {
      const clientId = await acme.createClient('race@example.com');
      const ids = await Promise.all(Array.from({ length: 5 }, () => acme.createInvoice(clientId)));
      const results = await Promise.all([...ids, ids[0]!].map((id) => as(acme)('POST', `/api/v1/invoices/${id}/issue`)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(5);
      expect(results.filter((r) => r.status === 409)).toHaveLength(1);
      const numbers = results.filter((r) => r.status === 200).map((r) => r.body.number);
      expect(new Set(numbers).size).toBe(5);
    });

    it('refuses a client of another organization (404) and unknown or malformed fields (400)', async () => {
      const theirs = await globex.createClient('other@example.com');
      const res = await as(acme)('POST', '/api/v1/invoices', { clientId: theirs, currency: 'EUR', lines: [LINE] });
      expect(res.status).toBe(404);
      const mine = await acme.createClient('m@example.com');
      for (const body of [
        { clientId: mine, currency: 'eur', lines: [LINE] },
        { clientId: mine, currency: 'EUR', lines: [] },
        { clientId: mine, currency: 'EUR', lines: [{ ...LINE, unitAmount: -1 }] },
        { clientId: mine, currency: 'EUR', lines: [{ ...LINE, quantity: 1.5 }] },
        { clientId: mine, currency: 'EUR', lines: [LINE], status: 'issued' },
        {
          clientId: mine,
          currency: 'EUR',
          lines: Array.from({ length: 100 }, () => ({ description: 'x', quantity: 1_000_000, unitAmount: 100_000_000_000 })),
        },
      ]) {
        const r = await as(acme)('POST', '/api/v1/invoices', body);
        expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(r.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it("hides another organization's invoices (404 on get and issue) and filters lists", async () => {
      const g = await globex.createClient('h@example.com');
      const theirs = await globex.createInvoice(g);
      expect((await as(acme)('GET', `/api/v1/invoices/${theirs}`)).status).toBe(404);
      expect((await as(acme)('POST', `/api/v1/invoices/${theirs}/issue`)).status).toBe(404);
      expect((await as(globex)('GET', `/api/v1/invoices/${theirs}`)).body.status).toBe('draft');

      const c = await acme.createClient('filter@example.com');
      const a = await acme.createInvoice(c);
      await acme.createInvoice(c);
      await acme.issueInvoice(a);
      const byClient = await as(acme)('GET', `/api/v1/invoices?clientId=${c}`);
      expect(byClient.body.total).toBe(2);
      const issued = await as(acme)('GET', `/api/v1/invoices?clientId=${c}&status=issued`);
      expect(issued.body.items.map((i: { id: string }) => i.id)).toEqual([a]);
      const all = await as(acme)('GET', '/api/v1/invoices?limit=100');
      expect(all.body.items.every((i: { organizationId: string }) => i.organizationId === acme.organizationId)).toBe(true);
      expect((await as(acme)('GET', '/api/v1/invoices?status=paid')).status).toBe(400);
    });
  });

  describe('recurring schedules', () => {
    it('creates an active schedule whose next run is its start date; refuses a start in the past', async () => {
      const c = await acme.createClient('rec@example.com');
      const res = await as(acme)('POST', '/api/v1/invoices/recurring', {
        clientId: c,
        interval: 'monthly',
        currency: 'EUR',
        lines: [LINE],
        startDate: '2030-01-31',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: 'active',
        interval: 'monthly',
        startDate: '2030-01-31',
        nextRunDate: '2030-01-31',
        cancelledAt: null,
      });
      const past = await as(acme)('POST', '/api/v1/invoices/recurring', {
        clientId: c,
        interval: 'monthly',
        currency: 'EUR',
        lines: [LINE],
        startDate: '2030-01-30',
      });
      expect(past.status).toBe(400);
      expect(past.body.code).toBe('VALIDATION_FAILED');
      const badInterval = await as(acme)('POST', '/api/v1/invoices/recurring', {
        clientId: c,
        interval: 'daily',
        currency: 'EUR',
        lines: [LINE],
        startDate: '2030-02-01',
      });
      expect(badInterval.status).toBe(400);
    });

    it('pauses, resumes and cancels by the state rules; cancelled is final', async () => {
      const c = await acme.createClient('state@example.com');
      const id = await acme.createSchedule(c, '2030-02-10', 'weekly');
      const act = (a: string) => as(acme)('POST', `/api/v1/invoices/recurring/${id}/${a}`);
      expect((await act('resume')).status).toBe(409);
      expect((await act('pause')).body.status).toBe('paused');
      expect((await act('pause')).body.code).toBe('INVALID_STATE');
      expect((await act('resume')).body.status).toBe('active');
      const cancelled = await act('cancel');
      expect(cancelled.body).toMatchObject({ status: 'cancelled', nextRunDate: null, cancelledAt: clock.now().toISOString() });
      for (const a of ['pause', 'resume', 'cancel']) {
        const r = await act(a);
        expect(r.status, a).toBe(409);
        expect(r.body.code).toBe('INVALID_STATE');
      }
      const actions = (await auditActions(server, acme.organizationId)).filter((e) => e.target_id === id).map((e) => e.action);
      expect(actions).toEqual([
        'recurring_schedule.created',
        'recurring_schedule.paused',
        'recurring_schedule.resumed',
        'recurring_schedule.cancelled',
      ]);
    });

    it('computes the next run date from the start date and interval as time passes (month ends clamp)', async () => {
      const c = await acme.createClient('clock@example.com');
      const monthly = await acme.createSchedule(c, '2030-01-31', 'monthly');
      const weekly = await acme.createSchedule(c, '2030-02-01', 'weekly');
      const get = async (id: string) => (await as(acme)('GET', `/api/v1/invoices/recurring/${id}`)).body.nextRunDate;
      const system = (await server.createSystemKey(['system:execute'])).token;
      // nextRunDate is the next period to invoice: a due period stays until recurring processing generates it.
      const processDue = async () =>
        expect((await server.request('POST', '/api/v1/system/recurring/process', { token: system })).status).toBe(200);
      clock.advanceDays(1); // 2030-02-01
      expect(await get(monthly)).toBe('2030-01-31');
      await processDue();
      expect(await get(monthly)).toBe('2030-02-28');
      expect(await get(weekly)).toBe('2030-02-08');
      clock.advanceDays(30); // 2030-03-03
      await processDue();
      expect(await get(monthly)).toBe('2030-03-31');
      expect(await get(weekly)).toBe('2030-03-08');
      await as(acme)('POST', `/api/v1/invoices/recurring/${monthly}/pause`);
      clock.advanceDays(31); // 2030-04-03
      const resumed = await as(acme)('POST', `/api/v1/invoices/recurring/${monthly}/resume`);
      expect(resumed.body.nextRunDate).toBe('2030-04-30');
    });

    it("hides another organization's schedules, refuses their clients, and filters lists", async () => {
      const g = await globex.createClient('gs@example.com');
      const theirs = await globex.createSchedule(g, '2030-06-01');
      expect((await as(acme)('GET', `/api/v1/invoices/recurring/${theirs}`)).status).toBe(404);
      expect((await as(acme)('POST', `/api/v1/invoices/recurring/${theirs}/cancel`)).status).toBe(404);
      expect((await as(globex)('GET', `/api/v1/invoices/recurring/${theirs}`)).body.status).toBe('active');
      const cross = await as(acme)('POST', '/api/v1/invoices/recurring', {
        clientId: g,
        interval: 'yearly',
        currency: 'EUR',
        lines: [LINE],
        startDate: '2030-06-01',
      });
      expect(cross.status).toBe(404);

      const c = await acme.createClient('ls@example.com');
      const a = await acme.createSchedule(c, '2030-06-01');
      await acme.createSchedule(c, '2030-06-01');
      await as(acme)('POST', `/api/v1/invoices/recurring/${a}/pause`);
      const listed = await as(acme)('GET', `/api/v1/invoices/recurring?clientId=${c}`);
      expect(listed.body.total, JSON.stringify(listed.body)).toBe(2);
      const paused = await as(acme)('GET', `/api/v1/invoices/recurring?clientId=${c}&status=paused`);
      expect(paused.body.items.map((s: { id: string }) => s.id)).toEqual([a]);
    });
  });

  it('writes audit events for every state change, in the organization', async () => {
    const c = await acme.createClient('audit@example.com');
    const inv = await acme.createInvoice(c);
    await acme.issueInvoice(inv);
    const events = await auditActions(server, acme.organizationId);
    const forInvoice = events.filter((e) => e.target_id === inv);
    expect(forInvoice.map((e) => e.action)).toEqual(['invoice.created', 'invoice.issued']);
    expect(forInvoice[1]!.actor_type).toBe('api_key');
    expect(events.some((e) => e.action === 'client.created' && e.target_id === c)).toBe(true);
  });
});
