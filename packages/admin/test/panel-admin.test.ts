import { SYSTEM_KEY_RESOURCES } from '@payment-gateway/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClock, type TestClock } from '../../server/test/auth-matrix.js';
import type { TestServer } from '../../server/test/harness.js';
import { ADMIN, startSessionServer } from '../../server/test/session-helpers.js';
import { ensurePanelBuilt } from './browser.js';
import { canRunBrowser, launchChromium, watchPage } from '../../server/test/support/chromium.js';

const HAS_CHROMIUM = canRunBrowser('[admin] the Admin panel browser tests');

/**
 * The panel's session over time (access token expiry → refresh cookie → retry; refresh expiry →
 * sign-in) and the global admin's system key and offboarding flows, in real Chromium on SQLite.
 */
describe.skipIf(!HAS_CHROMIUM)('Admin panel sessions and system pages in Chromium (SQLite)', () => {
  let server: TestServer;
  let clock: TestClock;
  let browser: Browser;
  let page: Page;
  let watch: { problems: string[] };
  const refreshes: number[] = [];

  beforeAll(async () => {
    await ensurePanelBuilt();
    clock = createTestClock();
    server = await startSessionServer({ now: clock.now });
    await server.createOrganization('Globex');
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    watch = watchPage(page, server.url);
    page.on('response', (res) => {
      if (res.url().endsWith('/api/v1/auth/refresh-token')) refreshes.push(res.status());
    });
    await page.goto(`${server.url}/admin/system/keys`);
    await page.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'System API keys' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a system key: the grid offers only system-key scopes and no presets', async () => {
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByRole('checkbox', { name: 'system:read', exact: true }).waitFor();
    const names = await dialog.getByRole('checkbox').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(names.length).toBeGreaterThan(0);
    for (const scope of names) expect(SYSTEM_KEY_RESOURCES).toContain(scope.split(':')[0]);
    expect(await dialog.getByRole('button', { name: 'Billing bridge' }).count()).toBe(0);
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('ops reader');
    await dialog.getByRole('checkbox', { name: 'organization:read', exact: true }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const token = await page.getByRole('dialog', { name: 'New API key' }).getByRole('textbox', { name: 'API key' }).inputValue();
    await page.getByRole('dialog', { name: 'New API key' }).getByRole('button', { name: 'Done' }).click();
    const me = await server.request('GET', '/api/v1/auth/whoami', { token });
    expect(me.body).toMatchObject({ type: 'api_key', tier: 'system', scopes: ['organization:read'] });
    await page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: 'ops reader' }).waitFor();
  });

  it('an expired access token is refreshed through the cookie and the request retried', async () => {
    clock.advance(20 * 60_000); // past the 15-minute access token
    await page.getByRole('link', { name: 'Organizations', exact: true }).click();
    await page.getByRole('table', { name: 'Organizations' }).getByRole('row').filter({ hasText: 'Globex' }).waitFor();
    expect(refreshes).toContain(200);
  });

  it('offboards an organization after a confirmation; it leaves the switcher', async () => {
    const row = page.getByRole('table', { name: 'Organizations' }).getByRole('row').filter({ hasText: 'Globex' });
    await row.getByRole('button', { name: 'Offboard' }).click();
    await page.getByRole('dialog', { name: 'Offboard Globex' }).getByRole('button', { name: 'Confirm' }).click();
    await row.getByText('offboarded').waitFor();
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByText('You are not a member of any organization yet.').waitFor();
    expect(await page.getByRole('combobox', { name: 'Organization' }).getByRole('option', { name: 'Globex' }).count()).toBe(0);
  });

  it('an organization created elsewhere appears on the next navigation, even to the same page', async () => {
    await server.createOrganization('Initech');
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    const switcher = page.getByRole('combobox', { name: 'Organization' });
    await switcher.getByRole('option', { name: 'Initech' }).waitFor({ state: 'attached' });
    await page.getByText('No API keys yet.').waitFor();
  });

  it('when the refresh token has expired too, the panel shows the sign-in form', async () => {
    clock.advance(31 * 24 * 3_600_000);
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(refreshes.at(-1)).toBe(401);
    expect(watch.problems).toEqual([]);
  });
});
