import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, createCommerceOrg, pressOnPage, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('hosted payment page /checkout/{shortCode} (%s)', (dialect) => {
  let server: TestServer;
  let acme: CommerceOrg;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    acme = await createCommerceOrg(server, 'Acme');
  });
  afterAll(async () => server?.close());

  const withUrls = (amount = 2500) =>
    checkoutBody(amount, {
      returnUrl: 'https://shop.example.com/thanks?tx={transactionId}',
      cancelUrl: 'https://shop.example.com/cart',
    });

  it('shows the merchant site, items and amount under a strict CSP', async () => {
    const chk = await acme.createCheckout({
      ...withUrls(2600),
      items: [
        { name: 'Widget', quantity: 2, unitPrice: 1000, itemType: 'goods' },
        { name: 'Shipping', quantity: 1, unitPrice: 600, itemType: 'shipping' },
      ],
      invoiceNumber: 'INV-77',
    });
    const res = await fetch(chk.paymentUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("form-action 'self' https://shop.example.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    for (const text of ['Acme shop', 'Widget', 'Shipping', '€26.00', 'INV-77', 'https://shop.example.com']) expect(html).toContain(text);
    expect(html).not.toContain('<script');
  });

  it('escapes everything it renders', async () => {
    const evil = '<script>alert(1)</script>"\'&';
    const site = (await acme.call('POST', '/api/v1/sites', { name: evil, url: 'https://x.example.com/?a="><b>', defaultCurrency: 'EUR' }))
      .body;
    const chk = (
      await acme.call('POST', `/api/v1/checkouts/${site.id}/create`, {
        ...checkoutBody(100),
        invoiceNumber: '<img src=x onerror=alert(1)>',
        items: [{ name: evil, quantity: 1, unitPrice: 100, itemType: 'goods' }],
      })
    ).body;
    const html = await (await fetch(chk.paymentUrl)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;');
  });

  it('Pay succeeds: 303 to returnUrl with {transactionId}, a succeeded transaction, the checkout completed', async () => {
    const chk = await acme.createCheckout(withUrls(4200));
    const res = await pressOnPage(server.url, chk.shortCode, 'pay');
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example.com/thanks');
    const txId = location.searchParams.get('tx')!;
    expect(txId).toMatch(/^txn_/);
    const tx = await acme.call('GET', `/api/v1/transactions/${txId}`);
    expect(tx.body).toMatchObject({
      status: 'succeeded',
      amount: 4200,
      refundedAmount: 0,
      currency: 'EUR',
      source: 'checkout',
      provider: 'test',
      checkoutId: chk.id,
      siteId: acme.siteId,
    });
    const checkout = (await acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body;
    expect(checkout).toMatchObject({ status: 'completed', transactionId: txId });
    // The page now says it is paid; paying again changes nothing and lands on the same transaction.
    expect(await (await fetch(chk.paymentUrl)).text()).toContain('Already paid');
    const again = await pressOnPage(server.url, chk.shortCode, 'pay');
    expect(again.status).toBe(303);
    expect(new URL(again.headers.get('location')!).searchParams.get('tx')).toBe(txId);
  });

  it('double payment of one checkout (concurrent) creates exactly one transaction', async () => {
    const chk = await acme.createCheckout(withUrls(999));
    const results = await Promise.all(Array.from({ length: 12 }, () => pressOnPage(server.url, chk.shortCode, 'pay')));
    const ids = new Set(results.map((r) => new URL(r.headers.get('location') ?? 'https://none.example/').searchParams.get('tx')));
    expect(results.every((r) => r.status === 303)).toBe(true);
    expect(ids.size).toBe(1);
    const rows = await server.gateway.database.db.selectFrom('transactions').selectAll().where('checkout_id', '=', chk.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe([...ids][0]);
  });

  it('Decline fails: the page says so, the checkout stays open with no transaction, and can then be paid', async () => {
    const chk = await acme.createCheckout(withUrls(700));
    const res = await pressOnPage(server.url, chk.shortCode, 'decline');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('declined');
    expect((await acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body).toMatchObject({ status: 'open', transactionId: null });
    const none = await server.gateway.database.db.selectFrom('transactions').select('id').where('checkout_id', '=', chk.id).execute();
    expect(none).toEqual([]);
    expect((await pressOnPage(server.url, chk.shortCode, 'pay')).status).toBe(303);
  });

  it('Cancel cancels: 303 to cancelUrl, status cancelled, no payment afterwards', async () => {
    const chk = await acme.createCheckout(checkoutBody(300, { cancelUrl: 'https://shop.example.com/cart?tx={transactionId}' }));
    const res = await pressOnPage(server.url, chk.shortCode, 'cancel');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://shop.example.com/cart?tx=');
    expect((await acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('cancelled');
    const pay = await pressOnPage(server.url, chk.shortCode, 'pay');
    expect(pay.status).toBe(200);
    expect(await pay.text()).toContain('Checkout cancelled');
    const none = await server.gateway.database.db.selectFrom('transactions').select('id').where('checkout_id', '=', chk.id).execute();
    expect(none).toEqual([]);
  });

  it('without returnUrl/cancelUrl it shows the outcome itself', async () => {
    const chk = await acme.createCheckout(checkoutBody(100));
    const res = await pressOnPage(server.url, chk.shortCode, 'pay');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Payment received');
    expect(html).toMatch(/txn_[0-9A-Za-z]+/);
  });

  it('refuses cross-site form posts (403) and unknown codes (404) with the one error body', async () => {
    const chk = await acme.createCheckout(withUrls(100));
    const cross = await pressOnPage(server.url, chk.shortCode, 'pay', { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { code: string }).code).toBe('CROSS_SITE_REQUEST');
    const foreignOrigin = await fetch(`${server.url}/checkout/${chk.shortCode}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreignOrigin.status).toBe(403);
    expect((await acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('open');
    for (const code of ['doesnotexist12', 'bad%20code', 'a'.repeat(200)]) {
      const res = await fetch(`${server.url}/checkout/${code}`, { headers: { accept: 'text/html' } });
      expect(res.status, code).toBe(404);
      const body = (await res.json()) as { code: string; error: string; requestId: string };
      expect(body).toMatchObject({ code: 'NOT_FOUND', error: expect.stringContaining('not valid') });
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
    }
    expect((await pressOnPage(server.url, 'doesnotexist12', 'pay')).status).toBe(404);
  });
});
