import { describe, expect, it } from 'vitest';
import { checkoutBody, createCommerceOrg, pressOnPage, useCommerceWorld, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS } from './harness.js';

describe.each(DIALECTS)('transactions, refunds and credit notes (%s)', (dialect) => {
  const w = useCommerceWorld(dialect, new Date('2030-05-10T08:00:00.000Z'));

  const refund = (org: CommerceOrg, id: string, body: unknown = {}) => org.call('POST', `/api/v1/transactions/${id}/refund`, body);

  it('records a manual transaction as succeeded', async () => {
    const client = (await w.acme.call('POST', '/api/v1/clients', { email: 'm@example.com', name: 'M' })).body.id;
    const res = await w.acme.call('POST', '/api/v1/transactions/manual', {
      amount: 5000,
      currency: 'USD',
      clientId: client,
      siteId: w.acme.siteId,
      description: 'Bank transfer',
      externalReference: 'wire-1',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      source: 'manual',
      provider: 'manual',
      amount: 5000,
      refundedAmount: 0,
      currency: 'USD',
      clientId: client,
      siteId: w.acme.siteId,
      checkoutId: null,
      description: 'Bank transfer',
      externalReference: 'wire-1',
    });
    expect((await w.acme.call('GET', `/api/v1/transactions/${res.body.id}`)).body).toEqual(res.body);
    for (const body of [
      { amount: 0, currency: 'EUR' },
      { amount: 1.5, currency: 'EUR' },
      { amount: 100, currency: 'ABC' },
      { amount: 100 },
      { amount: 100, currency: 'EUR', status: 'refunded' },
    ]) {
      const bad = await w.acme.call('POST', '/api/v1/transactions/manual', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
    }
    const theirClient = (await w.globex.call('POST', '/api/v1/clients', { email: 'g@example.com', name: 'G' })).body.id;
    expect((await w.acme.call('POST', '/api/v1/transactions/manual', { amount: 1, currency: 'EUR', clientId: theirClient })).status).toBe(
      404,
    );
    expect((await w.acme.call('POST', '/api/v1/transactions/manual', { amount: 1, currency: 'EUR', siteId: w.globex.siteId })).status).toBe(
      404,
    );
  });

  it('refunds partly then fully: succeeded → partially_refunded → refunded, one credit note each, never above captured', async () => {
    const id = await w.acme.manualTransaction(1000);
    const first = await refund(w.acme, id, { amount: 300, reason: 'Damaged item' });
    expect(first.status).toBe(201);
    expect(first.body.transaction).toMatchObject({ id, status: 'partially_refunded', refundedAmount: 300 });
    expect(first.body.creditNote).toMatchObject({ transactionId: id, amount: 300, currency: 'EUR', reason: 'Damaged item' });
    expect(first.body.creditNote.number).toMatch(/^CN-\d{6}$/);

    const tooMuch = await refund(w.acme, id, { amount: 701 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(tooMuch.body.details).toEqual({ refundable: 700, requested: 701 });

    const rest = await refund(w.acme, id);
    expect(rest.status).toBe(201);
    expect(rest.body.transaction).toMatchObject({ status: 'refunded', refundedAmount: 1000 });
    expect(rest.body.creditNote.amount).toBe(700);

    for (const body of [{}, { amount: 1 }]) {
      const none = await refund(w.acme, id, body);
      expect(none.status).toBe(409);
      expect(none.body.code).toBe('REFUND_EXCEEDS_CAPTURED');
    }
    const notes = await w.acme.call('GET', `/api/v1/credit-notes?transactionId=${id}`);
    expect(notes.body.total).toBe(2);
    expect(notes.body.items.map((n: { amount: number }) => n.amount).sort()).toEqual([300, 700]);
    const one = await w.acme.call('GET', `/api/v1/credit-notes/${first.body.creditNote.id}`);
    expect(one.body).toEqual(first.body.creditNote);
    expect((await w.acme.call('GET', `/api/v1/transactions/${id}`)).body.status).toBe('refunded');
  });

  it('refunds a transaction paid through a checkout', async () => {
    const chk = await w.acme.createCheckout(checkoutBody(1500, { returnUrl: 'https://shop.example.com/r/{transactionId}' }));
    const paid = await pressOnPage(w.server.url, chk.shortCode, 'pay');
    const txId = paid.headers.get('location')!.split('/').pop()!;
    const res = await refund(w.acme, txId, { amount: 1500 });
    expect(res.status).toBe(201);
    expect(res.body.transaction).toMatchObject({ status: 'refunded', checkoutId: chk.id });
  });

  it('concurrent refunds that together exceed the captured amount refund at most the captured amount', async () => {
    const id = await w.acme.manualTransaction(1000);
    const results = await Promise.all(Array.from({ length: 10 }, () => refund(w.acme, id, { amount: 300 })));
    const ok = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status !== 201);
    expect(ok).toHaveLength(3);
    expect(refused.every((r) => r.status === 409 && r.body.code === 'REFUND_EXCEEDS_CAPTURED')).toBe(true);
    const tx = (await w.acme.call('GET', `/api/v1/transactions/${id}`)).body;
    expect(tx).toMatchObject({ refundedAmount: 900, status: 'partially_refunded' });
    const notes = (await w.acme.call('GET', `/api/v1/credit-notes?transactionId=${id}&limit=100`)).body.items;
    expect(notes.reduce((s: number, n: { amount: number }) => s + n.amount, 0)).toBe(900);
    expect(new Set(notes.map((n: { number: string }) => n.number)).size).toBe(3);

    // Full refunds racing: exactly one wins.
    const id2 = await w.acme.manualTransaction(500);
    const full = await Promise.all(Array.from({ length: 6 }, () => refund(w.acme, id2)));
    expect(full.filter((r) => r.status === 201)).toHaveLength(1);
    expect((await w.acme.call('GET', `/api/v1/transactions/${id2}`)).body).toMatchObject({ refundedAmount: 500, status: 'refunded' });
  });

  it('filters transactions by status, currency, from/to, siteId and clientId', async () => {
    const org = await createCommerceOrg(w.server, 'Filters');
    const client = (await org.call('POST', '/api/v1/clients', { email: 'f@example.com', name: 'F' })).body.id;
    const t0 = w.clock.now().toISOString();
    const a = await org.manualTransaction(100, { currency: 'USD', clientId: client });
    w.clock.advanceMinutes(10);
    const t1 = w.clock.now().toISOString();
    const b = await org.manualTransaction(200, { siteId: org.siteId });
    w.clock.advanceMinutes(10);
    const c = await org.manualTransaction(300);
    await refund(org, c, { amount: 100 });
    const ids = async (query: string) =>
      (await org.call('GET', `/api/v1/transactions?${query}`)).body.items.map((t: { id: string }) => t.id).sort();
    expect(await ids('')).toEqual([a, b, c].sort());
    expect(await ids('currency=USD')).toEqual([a]);
    expect(await ids('status=partially_refunded')).toEqual([c]);
    expect(await ids('status=succeeded')).toEqual([a, b].sort());
    expect(await ids(`siteId=${org.siteId}`)).toEqual([b]);
    expect(await ids(`clientId=${client}`)).toEqual([a]);
    expect(await ids(`from=${encodeURIComponent(t1)}`)).toEqual([b, c].sort());
    expect(await ids(`to=${encodeURIComponent(t1)}`)).toEqual([a]);
    // A timestamp without milliseconds compares as the same instant.
    expect(await ids(`from=${encodeURIComponent(t0.replace('.000Z', 'Z'))}&to=${encodeURIComponent(t1.replace('.000Z', 'Z'))}`)).toEqual([
      a,
    ]);
    for (const q of ['status=failed', 'currency=usd', 'from=yesterday', 'siteId=nope', 'limit=101']) {
      const res = await org.call('GET', `/api/v1/transactions?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('keeps organizations apart: transactions and credit notes of another organization are 404 and never listed', async () => {
    const id = await w.globex.manualTransaction(800);
    const note = (await refund(w.globex, id, { amount: 100 })).body.creditNote.id;
    expect((await w.acme.call('GET', `/api/v1/transactions/${id}`)).status).toBe(404);
    const r = await refund(w.acme, id, { amount: 1 });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('NOT_FOUND');
    expect((await w.acme.call('GET', `/api/v1/credit-notes/${note}`)).status).toBe(404);
    expect((await w.acme.call('GET', '/api/v1/transactions?limit=100')).body.items.map((t: { id: string }) => t.id)).not.toContain(id);
    expect((await w.acme.call('GET', '/api/v1/credit-notes?limit=100')).body.items.map((n: { id: string }) => n.id)).not.toContain(note);
    expect((await w.globex.call('GET', `/api/v1/transactions/${id}`)).body.refundedAmount).toBe(100);
  });

  it('a transaction:read + transaction:execute key can read and refund, not record or read credit notes', async () => {
    const id = await w.acme.manualTransaction(400);
    const { token } = await w.server.createOrgKey(w.acme.organizationId, ['transaction:read', 'transaction:execute']);
    expect((await w.server.request('GET', `/api/v1/transactions/${id}`, { token })).status).toBe(200);
    expect((await w.server.request('POST', `/api/v1/transactions/${id}/refund`, { token, body: { amount: 100 } })).status).toBe(201);
    expect((await w.server.request('POST', '/api/v1/transactions/manual', { token, body: { amount: 1, currency: 'EUR' } })).status).toBe(
      403,
    );
    expect((await w.server.request('GET', '/api/v1/credit-notes', { token })).status).toBe(403);
  });
});
