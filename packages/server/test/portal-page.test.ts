import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingOrg, type BillingOrg } from './billing-fixtures.js';
import { startTestServer, type TestServer } from './harness.js';
import { canRunBrowser, launchChromium, watchPage } from './support/chromium.js';

const HAS_CHROMIUM = canRunBrowser('[portal] the portal page browser test');

const MINT = '/api/v1/organizations/settings/portal/magic-links';

describe.skipIf(!HAS_CHROMIUM)('the customer portal page in Chromium (SQLite)', () => {
  let server: TestServer;
  let acme: BillingOrg;
  let portalKey: string;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    acme = await createBillingOrg(server, 'Acme');
    portalKey = (await server.createOrgKey(acme.organizationId, ['portal:create'])).token;
    const { clientId } = await acme.customerWithIssuedInvoice('alice@example.com');
    await acme.createSchedule(clientId, '2030-03-01', 'monthly');
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a minted link opens the page on the real port: invoices, reload, sign out, replay refused', async () => {
    const minted = await server.request('POST', MINT, { token: portalKey, body: { email: 'alice@example.com' } });
    expect(minted.status).toBe(201);
    const url: string = minted.body.url;
    expect(url.startsWith(`${server.url}/portal/login#token=`)).toBe(true);
    const invoices = await server.request('GET', '/api/v1/invoices', { token: acme.token });
    const number: string = invoices.body.items[0].number;
    expect(number).toBeTruthy();

    const context = await browser.newContext();
    const page = await context.newPage();
    const { problems } = watchPage(page, server.url);
    await page.goto(url);
    await expect
      .poll(() => page.getByRole('table', { name: 'Invoices' }).getByRole('cell', { name: number }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Customer portal');
    expect(page.url()).toBe(`${server.url}/portal/login`);
    // The tokened entry was replaced, not pushed: one step back is the blank tab, never the token.
    expect(await page.evaluate(() => window.history.length)).toBe(2);
    expect(await page.evaluate(() => Object.keys(window.localStorage).length)).toBe(0);
    expect((await context.cookies()).length).toBe(0);
    const row = page.getByRole('row').filter({ hasText: number });
    expect(await row.textContent()).toMatch(/€|EUR/);
    expect(await row.textContent()).toMatch(/Issued/);
    const schedules = page.getByRole('table', { name: 'Recurring schedules' });
    expect(await schedules.getByRole('row').filter({ hasText: 'Monthly' }).count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Invoices' }).count()).toBe(1);

    await page.reload();
    await expect.poll(() => page.getByRole('cell', { name: number }).count(), { timeout: 15_000 }).toBe(1);
    expect(page.url()).not.toContain('token');
    await page.goBack();
    expect(page.url()).not.toContain('token');
    await page.goForward();
    await expect.poll(() => page.getByRole('cell', { name: number }).count(), { timeout: 15_000 }).toBe(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/signed out/i);
    expect(await page.evaluate(() => window.sessionStorage.length)).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/open the sign-in link/i);

    await page.goto(url);
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 })
      .toMatch(/already been used or has expired.*new one/);
    expect(await page.getByRole('table', { name: 'Invoices' }).isVisible()).toBe(false);
    expect(page.url()).not.toContain('token');

    await page.goto(`${server.url}/portal/login#token=garbage%`);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toMatch(/already been used or has expired/);
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
