import { describe, expect, it } from 'vitest';
import { checkoutBody, createCommerceOrg, pressOnPage, useCommerceWorld } from './commerce-fixtures.js';
import { DIALECTS, startTestServer } from './harness.js';

describe.each(DIALECTS)('sites and checkouts (%s)', (dialect) => {
  const w = useCommerceWorld(dialect, new Date('2030-03-01T09:00:00.000Z'));

  describe('sites', () => {
    it('creates, gets, lists and deletes a site; deleted sites are gone and take no checkouts', async () => {
      const created = await w.acme.call('POST', '/api/v1/sites', {
        name: 'Blog',
        url: 'https://blog.example.com/',
        defaultCurrency: 'USD',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Blog',
        url: 'https://blog.example.com/',
        defaultCurrency: 'USD',
        organizationId: w.acme.organizationId,
      });
      expect(created.body.id).toMatch(/^site_/);
      const id = created.body.id;
      expect((await w.acme.call('GET', `/api/v1/sites/${id}`)).body).toEqual(created.body);
      expect((await w.acme.call('GET', '/api/v1/sites')).body.items.map((s: { id: string }) => s.id)).toContain(id);

      const open = await w.acme.createCheckout(checkoutBody(100));
      const del = await w.acme.call('DELETE', `/api/v1/sites/${id}`);
      expect(del.status).toBe(204);
      expect((await w.acme.call('GET', `/api/v1/sites/${id}`)).status).toBe(404);
      expect((await w.acme.call('DELETE', `/api/v1/sites/${id}`)).status).toBe(404);
      expect((await w.acme.call('GET', '/api/v1/sites')).body.items.map((s: { id: string }) => s.id)).not.toContain(id);
      expect((await w.acme.call('POST', `/api/v1/checkouts/${id}/create`, checkoutBody())).status).toBe(404);
      // The checkout of another (live) site is untouched.
      expect((await w.acme.call('GET', `/api/v1/checkouts/${open.id}`)).body.status).toBe('open');
    });

    it('cancels the open checkouts of a deleted site', async () => {
      const site = (await w.acme.call('POST', '/api/v1/sites', { name: 'Tmp', url: 'https://tmp.example.com', defaultCurrency: 'EUR' }))
        .body;
      const chk = (await w.acme.call('POST', `/api/v1/checkouts/${site.id}/create`, checkoutBody())).body;
      await w.acme.call('DELETE', `/api/v1/sites/${site.id}`);
      expect((await w.acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('cancelled');
    });

    it('validates strictly: url scheme, ISO 4217 currency, unknown fields', async () => {
      for (const body of [
        { name: 'X', url: 'javascript:alert(1)', defaultCurrency: 'EUR' },
        { name: 'X', url: 'ftp://example.com', defaultCurrency: 'EUR' },
        { name: 'X', url: 'not a url', defaultCurrency: 'EUR' },
        { name: 'X', url: 'https://example.com', defaultCurrency: 'XYZ' },
        { name: 'X', url: 'https://example.com', defaultCurrency: 'eur' },
        { name: '', url: 'https://example.com', defaultCurrency: 'EUR' },
        { name: 'X', url: 'https://example.com', defaultCurrency: 'EUR', organizationId: w.globex.organizationId },
      ]) {
        const res = await w.acme.call('POST', '/api/v1/sites', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it("answers 404 for another organization's site", async () => {
      expect((await w.acme.call('GET', `/api/v1/sites/${w.globex.siteId}`)).status).toBe(404);
      expect((await w.acme.call('DELETE', `/api/v1/sites/${w.globex.siteId}`)).status).toBe(404);
      expect((await w.globex.call('GET', `/api/v1/sites/${w.globex.siteId}`)).status).toBe(200);
    });
  });

  describe('checkouts', () => {
    it('creates a checkout: 201 { id, sessionPublicId, shortCode, paymentUrl } on this server', async () => {
      const res = await w.acme.call(
        'POST',
        `/api/v1/checkouts/${w.acme.siteId}/create`,
        checkoutBody(1999, { externalReference: 'order-1' }),
      );
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['id', 'paymentUrl', 'sessionPublicId', 'shortCode']);
      expect(res.body.id).toMatch(/^chk_/);
      expect(res.body.paymentUrl).toBe(`${w.server.url}/checkout/${res.body.shortCode}`);
      const got = await w.acme.call('GET', `/api/v1/checkouts/${res.body.id}`);
      expect(got.body).toMatchObject({
        id: res.body.id,
        siteId: w.acme.siteId,
        status: 'open',
        amount: 1999,
        currency: 'EUR',
        email: 'buyer@example.com',
        externalReference: 'order-1',
        transactionId: null,
        paymentUrl: res.body.paymentUrl,
        expiresAt: new Date(w.clock.now().getTime() + 1440 * 60_000).toISOString(),
      });
      const page = await fetch(res.body.paymentUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('€19.99');
    });

    it('requires the items to add up to amount (400 CHECKOUT_AMOUNT_MISMATCH); discounts subtract', async () => {
      const mismatch = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, {
        ...checkoutBody(1000),
        items: [{ name: 'A', quantity: 3, unitPrice: 300, itemType: 'goods' }],
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.code).toBe('CHECKOUT_AMOUNT_MISMATCH');
      expect(mismatch.body.details).toEqual({ amount: 1000, itemsTotal: 900 });
      expect(mismatch.body.error).toMatch(/add up/);

      const mixed = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, {
        ...checkoutBody(1000),
        items: [
          { name: 'A', quantity: 3, unitPrice: 300, itemType: 'goods' },
          { name: 'Ship', quantity: 1, unitPrice: 250, itemType: 'shipping' },
          { name: 'VAT', quantity: 1, unitPrice: 50, itemType: 'tax' },
          { name: 'Promo', quantity: 2, unitPrice: 100, itemType: 'discount', vatRate: 21 },
        ],
      });
      expect(mixed.status, JSON.stringify(mixed.body)).toBe(201);
      // Huge quantities are summed exactly, never rounded into a match.
      const huge = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, {
        ...checkoutBody(1),
        items: [
          { name: 'A', quantity: 1_000_000, unitPrice: 100_000_000_000, itemType: 'goods' },
          { name: 'B', quantity: 1_000_000, unitPrice: 100_000_000_000, itemType: 'discount' },
          { name: 'C', quantity: 1, unitPrice: 2, itemType: 'goods' },
        ],
      });
      expect(huge.status).toBe(400);
      expect(huge.body.code).toBe('CHECKOUT_AMOUNT_MISMATCH');
    });

    it('takes ISO 4217 currencies only, and defaults to the site currency', async () => {
      for (const currency of ['XYZ', 'eur', 'EURO', '', 'E1R']) {
        const res = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, checkoutBody(100, { currency }));
        expect(res.status, currency).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const jpy = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, checkoutBody(500, { currency: 'JPY' }));
      expect(jpy.status).toBe(201);
      expect((await w.acme.call('GET', `/api/v1/checkouts/${jpy.body.id}`)).body.currency).toBe('JPY');
      const { currency: _omitted, ...noCurrency } = checkoutBody(100);
      const dflt = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, noCurrency);
      expect(dflt.status).toBe(201);
      expect((await w.acme.call('GET', `/api/v1/checkouts/${dflt.body.id}`)).body.currency).toBe('EUR');
    });

    it('validates amounts, items, emails and redirect URLs', async () => {
      for (const extra of [
        { amount: 0, items: [{ name: 'A', quantity: 1, unitPrice: 0, itemType: 'goods' }] },
        { amount: 10.5 },
        { amount: -5 },
        { amount: '100' },
        { items: [] },
        { items: [{ name: 'A', quantity: 1, unitPrice: 100, itemType: 'service' }] },
        { items: [{ name: 'A', quantity: 0, unitPrice: 100, itemType: 'goods' }] },
        { email: 'nope' },
        { returnUrl: 'javascript:alert(1)' },
        { cancelUrl: 'data:text/html,hi' },
        { returnUrl: '/relative' },
        { metadata: { a: 1 } },
        { status: 'completed' },
      ]) {
        const res = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, { ...checkoutBody(100), ...extra });
        expect(res.status, JSON.stringify(extra)).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('keeps organizations apart: sites, checkouts and clients of another organization are 404', async () => {
      expect((await w.acme.call('POST', `/api/v1/checkouts/${w.globex.siteId}/create`, checkoutBody())).status).toBe(404);
      const theirs = await w.globex.createCheckout();
      expect((await w.acme.call('GET', `/api/v1/checkouts/${theirs.id}`)).status).toBe(404);
      expect((await w.acme.call('PATCH', `/api/v1/checkouts/${theirs.id}`, { externalReference: 'x' })).status).toBe(404);
      expect((await w.acme.call('GET', '/api/v1/checkouts?limit=100')).body.items.map((c: { id: string }) => c.id)).not.toContain(
        theirs.id,
      );
      const client = (await w.globex.call('POST', '/api/v1/clients', { email: 'c@example.com', name: 'C' })).body.id;
      const res = await w.acme.call('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, checkoutBody(100, { clientId: client }));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('updates externalReference and metadata while open, 409 INVALID_STATE afterwards', async () => {
      const chk = await w.acme.createCheckout(checkoutBody(100, { returnUrl: 'https://shop.example.com/ok/{transactionId}' }));
      const res = await w.acme.call('PATCH', `/api/v1/checkouts/${chk.id}`, { externalReference: 'order-9', metadata: { cart: '42' } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ externalReference: 'order-9', metadata: { cart: '42' }, status: 'open' });
      expect((await w.acme.call('PATCH', `/api/v1/checkouts/${chk.id}`, { amount: 5 })).status).toBe(400);
      await pressOnPage(w.server.url, chk.shortCode, 'pay');
      const late = await w.acme.call('PATCH', `/api/v1/checkouts/${chk.id}`, { externalReference: 'too-late' });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('INVALID_STATE');
    });

    it('expires after CHECKOUT_TTL_MINUTES: reads as expired, cannot be updated or paid', async () => {
      const chk = await w.acme.createCheckout();
      w.clock.advanceMinutes(1439);
      expect((await w.acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('open');
      w.clock.advanceMinutes(1);
      expect((await w.acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('expired');
      const openIds = (await w.acme.call('GET', '/api/v1/checkouts?status=open&limit=100')).body.items.map((c: { id: string }) => c.id);
      expect(openIds).not.toContain(chk.id);
      const expiredIds = (await w.acme.call('GET', '/api/v1/checkouts?status=expired&limit=100')).body.items.map(
        (c: { id: string }) => c.id,
      );
      expect(expiredIds).toContain(chk.id);
      expect((await w.acme.call('PATCH', `/api/v1/checkouts/${chk.id}`, { externalReference: 'x' })).body.code).toBe('INVALID_STATE');
      const pay = await pressOnPage(w.server.url, chk.shortCode, 'pay');
      expect(pay.status).toBe(200);
      expect(await pay.text()).toContain('Checkout expired');
      expect(
        (await w.acme.call('GET', `/api/v1/transactions?limit=100`)).body.items.filter(
          (t: { checkoutId: string }) => t.checkoutId === chk.id,
        ),
      ).toEqual([]);
    });

    it('honours CHECKOUT_TTL_MINUTES and PUBLIC_BASE_URL', async () => {
      const other = await startTestServer({
        dialect,
        now: w.clock.now,
        env: { CHECKOUT_TTL_MINUTES: '30', PUBLIC_BASE_URL: 'https://pay.example.com/' },
      });
      try {
        const org = await createCommerceOrg(other, 'Initech');
        const chk = await org.createCheckout();
        expect(chk.paymentUrl).toBe(`https://pay.example.com/checkout/${chk.shortCode}`);
        const got = (await org.call('GET', `/api/v1/checkouts/${chk.id}`)).body;
        expect(got.expiresAt).toBe(new Date(w.clock.now().getTime() + 30 * 60_000).toISOString());
      } finally {
        await other.close();
      }
    });

    it('a checkout:create-only key creates checkouts and nothing else', async () => {
      const { token } = await w.server.createOrgKey(w.acme.organizationId, ['checkout:create']);
      const created = await w.server.request('POST', `/api/v1/checkouts/${w.acme.siteId}/create`, { token, body: checkoutBody() });
      expect(created.status).toBe(201);
      for (const [method, path] of [
        ['GET', '/api/v1/checkouts'],
        ['GET', `/api/v1/checkouts/${created.body.id}`],
        ['GET', '/api/v1/sites'],
        ['GET', '/api/v1/transactions'],
      ] as const) {
        const res = await w.server.request(method, path, { token });
        expect(res.status, path).toBe(403);
        expect(res.body.code).toBe('INSUFFICIENT_SCOPE');
      }
    });
  });
});
