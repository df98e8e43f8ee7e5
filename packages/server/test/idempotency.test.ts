import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from './billing-fixtures.js';
import { checkoutBody, createCommerceOrg, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('Idempotency-Key on money-moving POSTs (%s)', (dialect) => {
  const clock = manualClock(new Date('2030-06-01T12:00:00.000Z'));
  let server: TestServer;
  let acme: CommerceOrg;
  let globex: CommerceOrg;
  let n = 0;
  const freshKey = () => `key-${dialect}-${++n}-${Math.random().toString(36).slice(2)}`;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now });
    acme = await createCommerceOrg(server, 'Acme');
    globex = await createCommerceOrg(server, 'Globex');
  });
  afterAll(async () => server?.close());

  const countRows = async (table: 'checkouts' | 'transactions' | 'credit_notes', organizationId: string) =>
    Number(
      (
        await server.gateway.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organization_id', '=', organizationId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('checkout create: the same key and body answer the first response again; one checkout exists', async () => {
    const key = freshKey();
    const path = `/api/v1/checkouts/${acme.siteId}/create`;
    const before = await countRows('checkouts', acme.organizationId);
    const first = await acme.call('POST', path, checkoutBody(1234), { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // Same body with keys in another order is the same request.
    const { items, ...rest } = checkoutBody(1234);
    const again = await acme.call('POST', path, { items, ...rest }, { 'Idempotency-Key': key });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await countRows('checkouts', acme.organizationId)).toBe(before + 1);
  });

  it('another body, path or method with the same key is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = freshKey();
    const path = `/api/v1/checkouts/${acme.siteId}/create`;
    expect((await acme.call('POST', path, checkoutBody(100), { 'Idempotency-Key': key })).status).toBe(201);
    const other = await acme.call('POST', path, checkoutBody(101), { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherRoute = await acme.call('POST', '/api/v1/transactions/manual', { amount: 100, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(otherRoute.status).toBe(422);
  });

  it('keys are per organization', async () => {
    const key = freshKey();
    const a = await acme.call('POST', '/api/v1/transactions/manual', { amount: 10, currency: 'EUR' }, { 'Idempotency-Key': key });
    const b = await globex.call('POST', '/api/v1/transactions/manual', { amount: 10, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(b.body.organizationId).toBe(globex.organizationId);
    const c = await globex.call('POST', '/api/v1/transactions/manual', { amount: 11, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(c.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a replayed refund does not refund twice; error answers are replayed too', async () => {
    const id = await acme.manualTransaction(1000);
    const key = freshKey();
    const first = await acme.call('POST', `/api/v1/transactions/${id}/refund`, { amount: 600 }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    const replay = await acme.call('POST', `/api/v1/transactions/${id}/refund`, { amount: 600 }, { 'Idempotency-Key': key });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await acme.call('GET', `/api/v1/transactions/${id}`)).body.refundedAmount).toBe(600);

    const key2 = freshKey();
    const refused = await acme.call('POST', `/api/v1/transactions/${id}/refund`, { amount: 600 }, { 'Idempotency-Key': key2 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('REFUND_EXCEEDS_CAPTURED');
    const refusedAgain = await acme.call('POST', `/api/v1/transactions/${id}/refund`, { amount: 600 }, { 'Idempotency-Key': key2 });
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.body).toEqual(refused.body);
  });

  it('concurrent duplicates: exactly one request runs; the others replay it or get 409 IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    for (const [path, body] of [
      [`/api/v1/checkouts/${acme.siteId}/create`, checkoutBody(777)],
      ['/api/v1/transactions/manual', { amount: 777, currency: 'EUR' }],
    ] as const) {
      const table = path.includes('checkouts') ? 'checkouts' : 'transactions';
      const before = await countRows(table, acme.organizationId);
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 10 }, () => acme.call('POST', path, body, { 'Idempotency-Key': key })));
      const created = results.filter((r) => r.status === 201);
      const busy = results.filter((r) => r.status === 409);
      expect(created.length + busy.length).toBe(10);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const r of busy) {
        expect(r.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
        expect(r.headers.get('retry-after')).toBe('1');
      }
      expect(await countRows(table, acme.organizationId)).toBe(before + 1);
      // Once finished, a retry gets the one response.
      const late = await acme.call('POST', path, body, { 'Idempotency-Key': key });
      expect(late.status).toBe(201);
      expect(late.body.id).toBe(created[0]!.body.id);
    }
  });

  it('concurrent duplicate refunds refund once', async () => {
    const id = await acme.manualTransaction(500);
    const key = freshKey();
    await Promise.all(
      Array.from({ length: 8 }, () => acme.call('POST', `/api/v1/transactions/${id}/refund`, { amount: 100 }, { 'Idempotency-Key': key })),
    );
    expect((await acme.call('GET', `/api/v1/transactions/${id}`)).body.refundedAmount).toBe(100);
  });

  it('keys last 24 hours', async () => {
    const key = freshKey();
    const first = await acme.call('POST', '/api/v1/transactions/manual', { amount: 5, currency: 'EUR' }, { 'Idempotency-Key': key });
    clock.advanceMinutes(24 * 60 - 1);
    expect(
      (await acme.call('POST', '/api/v1/transactions/manual', { amount: 6, currency: 'EUR' }, { 'Idempotency-Key': key })).status,
    ).toBe(422);
    const replay = await acme.call('POST', '/api/v1/transactions/manual', { amount: 5, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(replay.body.id).toBe(first.body.id);
    clock.advanceMinutes(1);
    const fresh = await acme.call('POST', '/api/v1/transactions/manual', { amount: 6, currency: 'EUR' }, { 'Idempotency-Key': key });
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
  });

  it('without the header nothing is stored; other routes ignore it; malformed keys are 400', async () => {
    const before = await countRows('transactions', acme.organizationId);
    await acme.call('POST', '/api/v1/transactions/manual', { amount: 9, currency: 'EUR' });
    await acme.call('POST', '/api/v1/transactions/manual', { amount: 9, currency: 'EUR' });
    expect(await countRows('transactions', acme.organizationId)).toBe(before + 2);

    const key = freshKey();
    const site = { name: 'Same', url: 'https://same.example.com', defaultCurrency: 'EUR' };
    const s1 = await acme.call('POST', '/api/v1/sites', site, { 'Idempotency-Key': key });
    const s2 = await acme.call('POST', '/api/v1/sites', site, { 'Idempotency-Key': key });
    expect(s1.body.id).not.toBe(s2.body.id);
    const stored = await server.gateway.database.db
      .selectFrom('idempotency_keys')
      .select('idempotency_key')
      .where('idempotency_key', '=', key)
      .execute();
    expect(stored).toEqual([]);

    for (const bad of ['', 'x'.repeat(256), 'has space', 'ünïcode']) {
      const res = await fetch(`${server.url}/api/v1/transactions/manual`, {
        method: 'POST',
        headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json', 'Idempotency-Key': bad },
        body: JSON.stringify({ amount: 1, currency: 'EUR' }),
      }).catch(() => null);
      if (!res) continue; // fetch itself refuses some header values
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    }
  });
});
