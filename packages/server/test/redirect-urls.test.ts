import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './auth-matrix.js';
import { checkoutBody, createCommerceOrg, pressOnPage, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

/** URLs customers are sent to must be https (http only on loopback), written out in full. */
const REFUSED = [
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  'java\tscript:alert(1)',
  'javascript://shop.example.com/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://shop.example.com/',
  'blob:https://shop.example.com/0b3c',
  'ws://shop.example.com/',
  '//evil.example/',
  '/relative',
  'https:evil.example',
  'https:/evil.example',
  'http:evil.example',
  'http://shop.example.com/thanks',
  'http://10.0.0.5/thanks',
  'https://shop.example.com@evil.example/',
  'https://user:pw@shop.example.com/',
  'https://shop.example.com/a b',
  'https://shop.example.com/\nx',
  'https://shop.example.com/\u202ex',
  'https://',
  `https://shop.example.com/${'a'.repeat(2048)}`,
];
const ACCEPTED = [
  'https://shop.example.com/thanks?tx={transactionId}',
  'HTTPS://Shop.Example.com/',
  'http://localhost:3000/thanks',
  'http://shop.localhost/thanks',
  'http://127.0.0.1:8080/',
  'http://[::1]:8080/cart',
];

describe.each(DIALECTS)('URLs customers are sent to (%s)', (dialect) => {
  let server: TestServer;
  let acme: CommerceOrg;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    acme = await createCommerceOrg(server, 'Acme');
  });
  afterAll(async () => server?.close());

  const issuePaths = (body: { details?: { issues?: { path: string }[] } }) => (body.details?.issues ?? []).map((i) => i.path);

  it('checkout returnUrl and cancelUrl refuse every other scheme and form with 400 naming the field', async () => {
    for (const field of ['returnUrl', 'cancelUrl']) {
      for (const url of REFUSED) {
        const res = await acme.call('POST', `/api/v1/checkouts/${acme.siteId}/create`, checkoutBody(100, { [field]: url }));
        const body = expectError(res, 400, 'VALIDATION_FAILED', `${field} ${JSON.stringify(url)}`);
        expect(issuePaths(body), url).toEqual([`body.${field}`]);
      }
    }
  });

  it('a site url refuses them too', async () => {
    for (const url of REFUSED) {
      const res = await acme.call('POST', '/api/v1/sites', { name: 'Shop', url, defaultCurrency: 'EUR' });
      const body = expectError(res, 400, 'VALIDATION_FAILED', JSON.stringify(url));
      expect(issuePaths(body), url).toEqual(['body.url']);
    }
  });

  it('https anywhere and http on loopback (development) are accepted and stored as sent', async () => {
    for (const url of ACCEPTED) {
      const made = await acme.call(
        'POST',
        `/api/v1/checkouts/${acme.siteId}/create`,
        checkoutBody(100, { returnUrl: url, cancelUrl: url }),
      );
      expect(made.status, `${url} ${JSON.stringify(made.body)}`).toBe(201);
      expect((await acme.call('GET', `/api/v1/checkouts/${made.body.id}`)).body).toMatchObject({ returnUrl: url, cancelUrl: url });
      expect((await acme.call('POST', '/api/v1/sites', { name: 'Shop', url, defaultCurrency: 'EUR' })).status, url).toBe(201);
    }
  });

  it('the payment page never links or redirects to a URL of another scheme stored before the rule', async () => {
    const db = server.gateway.database.db;
    for (const stored of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      ' javascript:alert(1)',
    ]) {
      const site = await acme.call('POST', '/api/v1/sites', {
        name: 'Legacy shop',
        url: 'https://legacy.example.com',
        defaultCurrency: 'EUR',
      });
      await db.updateTable('sites').set({ url: stored }).where('id', '=', site.body.id).execute();
      const paid = await acme.call('POST', `/api/v1/checkouts/${site.body.id}/create`, checkoutBody(100));
      const cancelled = await acme.call('POST', `/api/v1/checkouts/${site.body.id}/create`, checkoutBody(100));
      await db
        .updateTable('checkouts')
        .set({ return_url: stored, cancel_url: stored })
        .where('id', 'in', [paid.body.id, cancelled.body.id])
        .execute();

      const page = await fetch(paid.body.paymentUrl);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html, stored).toContain('Legacy shop');
      expect(html, stored).not.toMatch(/javascript:|data:|vbscript:/i);
      expect(page.headers.get('content-security-policy'), stored).toContain("form-action 'self';");

      const pay = await pressOnPage(server.url, paid.body.shortCode, 'pay');
      expect(pay.status, stored).toBe(200);
      expect(pay.headers.get('location')).toBeNull();
      expect(await pay.text()).toContain('Payment received');
      const cancel = await pressOnPage(server.url, cancelled.body.shortCode, 'cancel');
      expect(cancel.status, stored).toBe(200);
      expect(cancel.headers.get('location')).toBeNull();
      expect(await cancel.text()).toContain('Checkout cancelled');
    }
  });

  it('a stored http:// URL that was valid before keeps working on the page', async () => {
    const made = await acme.createCheckout(checkoutBody(100, { returnUrl: 'https://shop.example.com/thanks' }));
    await server.gateway.database.db
      .updateTable('checkouts')
      .set({ return_url: 'http://shop.example.com/thanks?tx={transactionId}' })
      .where('id', '=', made.id)
      .execute();
    const pay = await pressOnPage(server.url, made.shortCode, 'pay');
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toMatch(/^http:\/\/shop\.example\.com\/thanks\?tx=txn_/);
  });
});
