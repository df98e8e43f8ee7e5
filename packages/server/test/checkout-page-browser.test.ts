import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, createCommerceOrg, type CommerceOrg } from './commerce-fixtures.js';
import { startTestServer, type TestServer } from './harness.js';
import { canRunBrowser, launchChromium, watchPage } from './support/chromium.js';

const HAS_CHROMIUM = canRunBrowser('[checkout] the payment page browser test');

describe.skipIf(!HAS_CHROMIUM)('the hosted payment page in Chromium (SQLite)', () => {
  let server: TestServer;
  let merchant: Server;
  let merchantUrl: string;
  let acme: CommerceOrg;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createCommerceOrg(server, 'Acme');
    // The merchant's own site on another origin: where returnUrl and cancelUrl lead.
    merchant = createServer((req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Merchant</title><h1>${req.url?.startsWith('/thanks') ? 'Thank you' : 'Your cart'}</h1>`);
    });
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => merchant?.close(resolve));
    await server?.close();
  });

  const create = () =>
    acme.createCheckout({
      ...checkoutBody(5400),
      items: [
        { name: 'Analytical Engine manual', quantity: 1, unitPrice: 4900, itemType: 'goods' },
        { name: 'Shipping', quantity: 1, unitPrice: 500, itemType: 'shipping' },
      ],
      returnUrl: `${merchantUrl}/thanks?transaction={transactionId}`,
      cancelUrl: `${merchantUrl}/cart`,
    });

  it('open the paymentUrl, press Pay, land on returnUrl with the transaction id; the transaction is succeeded', async () => {
    const checkout = await create();
    const page = await browser.newPage();
    const { problems } = watchPage(page);
    try {
      await page.goto(checkout.paymentUrl);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Pay Acme shop');
      const items = page.getByRole('table', { name: 'Items' });
      expect(await items.getByRole('row').count()).toBe(3);
      expect(await items.textContent()).toContain('Analytical Engine manual');
      expect(await page.getByRole('link', { name: 'Acme shop' }).getAttribute('href')).toBe('https://shop.example.com');

      await Promise.all([page.waitForURL(`${merchantUrl}/thanks**`), page.getByRole('button', { name: 'Pay €54.00' }).click()]);
      const landed = new URL(page.url());
      const transactionId = landed.searchParams.get('transaction');
      expect(transactionId).toMatch(/^txn_/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you');

      const tx = await acme.call('GET', `/api/v1/transactions/${transactionId}`);
      expect(tx.status).toBe(200);
      expect(tx.body).toMatchObject({ status: 'succeeded', amount: 5400, checkoutId: checkout.id });
      expect((await acme.call('GET', `/api/v1/checkouts/${checkout.id}`)).body).toMatchObject({ status: 'completed', transactionId });

      // Back on the link: it says it is paid and offers no button.
      await page.goto(checkout.paymentUrl);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Already paid');
      expect(await page.getByRole('button').count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('Decline shows an alert and keeps the checkout open; Cancel lands on cancelUrl', async () => {
    const checkout = await create();
    const page = await browser.newPage();
    const { problems } = watchPage(page);
    try {
      await page.goto(checkout.paymentUrl);
      await page.getByRole('button', { name: 'Decline' }).click();
      await page.getByRole('alert').waitFor();
      expect(await page.getByRole('alert').textContent()).toContain('declined');
      expect((await acme.call('GET', `/api/v1/checkouts/${checkout.id}`)).body.status).toBe('open');

      await Promise.all([page.waitForURL(`${merchantUrl}/cart`), page.getByRole('button', { name: 'Cancel' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your cart');
      expect((await acme.call('GET', `/api/v1/checkouts/${checkout.id}`)).body.status).toBe('cancelled');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
