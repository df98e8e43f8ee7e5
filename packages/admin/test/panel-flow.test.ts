import { BILLING_BRIDGE_SCOPES } from '@payment-gateway/contract';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/test/harness.js';
import { ADMIN, createUser, startSessionServer } from '../../server/test/session-helpers.js';
import { ensurePanelBuilt, seriousA11yViolations } from './browser.js';
import { canRunBrowser, launchChromium, watchPage } from '../../server/test/support/chromium.js';

const HAS_CHROMIUM = canRunBrowser('[admin] the Admin panel browser tests');

/**
 * The Admin panel in real Chromium against a real server on SQLite (issue 14, "How it is shown"),
 * driven only through accessible roles and names.
 */
describe.skipIf(!HAS_CHROMIUM)('Admin panel in Chromium (SQLite)', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: { problems: string[] };
  let orgId = '';
  const a11y: Record<string, string[]> = {};

  const whoami = (token: string) => server.request('GET', '/api/v1/auth/whoami', { token });
  const checkA11y = async (name: string) => {
    a11y[name] = (await seriousA11yViolations(page)).map(
      (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  };
  const signIn = async (p: Page, email: string, password: string) => {
    await p.goto(`${server.url}/admin`);
    await p.getByRole('textbox', { name: 'Email' }).fill(email);
    await p.getByRole('textbox', { name: 'Password' }).fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  const keysTable = (p: Page) => p.getByRole('table', { name: 'API keys' });
  const row = (p: Page, name: string) => keysTable(p).getByRole('row').filter({ hasText: name });

  beforeAll(async () => {
    await ensurePanelBuilt();
    server = await startSessionServer({ env: { LAST_USED_FLUSH_MS: '100' } });
    browser = await launchChromium();
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    watch = watchPage(page, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs the bootstrap admin in; the sign-in page has no serious accessibility violations', async () => {
    await page.goto(`${server.url}/admin`);
    await page.getByRole('textbox', { name: 'Email' }).waitFor();
    await checkA11y('sign-in');
    await signIn(page, ADMIN.email, ADMIN.password);
    for (const name of ['API keys', 'System API keys', 'System settings', 'Organizations']) {
      await page.getByRole('link', { name, exact: true }).waitFor();
    }
  });

  it('creates an organization on the Organizations page and selects it in the switcher', async () => {
    await page.getByRole('link', { name: 'Organizations', exact: true }).click();
    await page.getByRole('textbox', { name: 'Organization name' }).fill('Acme Panel');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('table', { name: 'Organizations' }).getByRole('row').filter({ hasText: 'Acme Panel' }).waitFor();
    await checkA11y('organizations');
    const orgs = await server.request('GET', '/api/v1/system/organizations', { token: await adminToken() });
    orgId = orgs.body.items.find((o: { name: string }) => o.name === 'Acme Panel').id;
    const switcher = page.getByRole('combobox', { name: 'Organization' });
    await switcher.selectOption({ label: 'Acme Panel' });
    expect(await switcher.inputValue()).toBe(orgId);
    const cookies = await context.cookies(server.url);
    expect(cookies.find((c) => c.name === 'selectedOrganization')?.value).toBe(orgId);
  });

  let token = '';
  it('creates a key with the Billing bridge preset; the token shown once carries exactly those scopes', async () => {
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    for (const name of ['Name', 'Description', 'Expires at', 'IP allowlist'])
      await dialog.getByRole('textbox', { name, exact: true }).waitFor();
    // The grid comes from the catalogue without system-tier scopes.
    await dialog.getByRole('checkbox', { name: 'client:read', exact: true }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: 'organization:create', exact: true }).count()).toBe(0);
    expect(await dialog.getByRole('checkbox', { name: 'system:read', exact: true }).count()).toBe(0);
    for (const name of ['Checkout links', 'Recurring schedules', 'Portal links'])
      await dialog.getByRole('button', { name, exact: true }).waitFor();
    await checkA11y('create-dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Billing bridge key');
    await dialog.getByRole('textbox', { name: 'Description', exact: true }).fill('made in the panel');
    await dialog.getByRole('button', { name: 'Billing bridge', exact: true }).click();
    for (const scope of BILLING_BRIDGE_SCOPES)
      expect(await dialog.getByRole('checkbox', { name: scope, exact: true }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'New API key' });
    const field = shown.getByRole('textbox', { name: 'API key' });
    await field.waitFor();
    expect(await field.isEditable()).toBe(false);
    token = await field.inputValue();
    expect(token).toMatch(/^sk_/);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await checkA11y('token-dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await row(page, 'Billing bridge key').waitFor();

    const me = await whoami(token);
    expect(me.status).toBe(200);
    expect(me.body.type).toBe('api_key');
    expect([...me.body.scopes].sort()).toEqual([...BILLING_BRIDGE_SCOPES].sort());
    expect(me.body.organizationId).toBe(orgId);
  });

  it('never shows the token again: not after a reload, not on the detail page', async () => {
    const secret = token.slice(token.indexOf('.') + 1);
    await page.reload();
    await row(page, 'Billing bridge key').waitFor();
    await checkA11y('keys');
    expect(await page.content()).not.toContain(secret);
    await row(page, 'Billing bridge key').getByRole('link', { name: 'Billing bridge key' }).click();
    await page.getByRole('heading', { name: 'Billing bridge key' }).waitFor();
    await page.getByRole('table', { name: 'Audit events' }).getByRole('row').filter({ hasText: 'api_key.created' }).waitFor();
    // The whoami call above, flushed with lastUsedAt (every 100 ms here).
    await page.getByRole('img', { name: /Requests per hour over the last 7 days: 1 accepted, 0 refused/ }).waitFor();
    await page.getByRole('table', { name: 'Usage by day' }).waitFor();
    await checkA11y('key-detail');
    expect(await page.content()).not.toContain(secret);
    await page.goBack();
    await row(page, 'Billing bridge key').waitFor();
  });

  it('rotates (grace 0): the new token works at once and the old one stops', async () => {
    await row(page, 'Billing bridge key').getByRole('button', { name: 'Rotate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate Billing bridge key' });
    await confirm.getByRole('textbox', { name: 'Grace period (seconds)' }).fill('0');
    await checkA11y('rotate-dialog');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    const field = page.getByRole('dialog', { name: 'New API key' }).getByRole('textbox', { name: 'API key' });
    await field.waitFor();
    const rotated = await field.inputValue();
    expect(rotated).not.toBe(token);
    await page.getByRole('dialog', { name: 'New API key' }).getByRole('button', { name: 'Done' }).click();
    expect((await whoami(rotated)).status).toBe(200);
    expect((await whoami(token)).status).toBe(401);
    token = rotated;
  });

  it('revokes with a reason: the token answers API_KEY_REVOKED', async () => {
    await row(page, 'Billing bridge key').getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke Billing bridge key' });
    await confirm.getByRole('textbox', { name: 'Reason' }).fill('leaked in a log');
    await checkA11y('revoke-dialog');
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await row(page, 'Billing bridge key').getByText('revoked', { exact: true }).waitFor();
    const res = await whoami(token);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('API_KEY_REVOKED');
  });

  it('deletes after a confirmation', async () => {
    await row(page, 'Billing bridge key').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete Billing bridge key' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('No API keys yet.').waitFor();
    const list = await server.request('GET', `/api/v1/organizations/${orgId}/api-keys`, { token: await adminToken() });
    expect(list.body.items).toEqual([]);
  });

  it('shows a server error as a readable message with its request id', async () => {
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API key' });
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('bad allowlist');
    await dialog.getByRole('checkbox', { name: 'client:read', exact: true }).check();
    await dialog.getByRole('textbox', { name: 'IP allowlist' }).fill('not-an-address');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText(/Request ID: req_/).waitFor();
    const shownId = (await alert.getByRole('code').or(alert.locator('code')).first().textContent())?.trim();
    expect(shownId).toMatch(/^req_/);
    // Fixed, with an expiry: the key carries both.
    await dialog.getByRole('textbox', { name: 'IP allowlist' }).fill('203.0.113.0/24, 198.51.100.7');
    await dialog.getByRole('textbox', { name: 'Expires at' }).fill('2099-01-31T00:00:00Z');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('dialog', { name: 'New API key' }).getByRole('button', { name: 'Done' }).click();
    const list = await server.request('GET', `/api/v1/organizations/${orgId}/api-keys`, { token: await adminToken() });
    const made = list.body.items.find((k: { name: string }) => k.name === 'bad allowlist');
    expect(made).toMatchObject({
      ipAllowlist: ['203.0.113.0/24', '198.51.100.7/32'],
      expiresAt: '2099-01-31T00:00:00.000Z',
      scopes: ['client:read'],
    });
  });

  it('system pages render for the global admin', async () => {
    await page.getByRole('link', { name: 'System API keys', exact: true }).click();
    await page.getByRole('heading', { name: 'System API keys' }).waitFor();
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    await checkA11y('system-keys');
    await page.getByRole('link', { name: 'System settings', exact: true }).click();
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    await checkA11y('system-settings');
  });

  it('the system settings page sets the maximum key age and its enforcement (issue 17)', async () => {
    await page.getByRole('link', { name: 'System settings', exact: true }).click();
    await page.getByRole('textbox', { name: 'Maximum key age (days; empty = no maximum)' }).fill('90');
    await page.getByRole('checkbox', { name: 'Refuse keys past the maximum age (after the grace below)' }).check();
    await page.getByRole('textbox', { name: 'Grace after a key falls due (days)' }).fill('7');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await server.gateway.settings.get()).keyPolicy).toMatchObject({
      maxKeyAgeDays: 90,
      enforceMaxKeyAge: true,
      rotationGraceDays: 7,
    });
    await page.getByRole('checkbox', { name: 'Refuse keys past the maximum age (after the grace below)' }).uncheck();
    await page.getByRole('textbox', { name: 'Maximum key age (days; empty = no maximum)' }).fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await server.gateway.settings.get()).keyPolicy).toMatchObject({ maxKeyAgeDays: null, enforceMaxKeyAge: false });
  });

  it('a viewer sees keys read-only and no system pages; an editor cannot rotate', async () => {
    await server.createOrgKey(orgId, ['client:read'], { name: 'existing key' });
    for (const role of ['viewer', 'editor'] as const) {
      const user = await createUser(server, { roles: { [orgId]: role } });
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      const w = watchPage(p, server.url);
      await signIn(p, user.email, user.password);
      // Members see their organizations by name too.
      await p.getByRole('combobox', { name: 'Organization' }).selectOption({ label: 'Acme Panel' });
      await row(p, 'existing key').waitFor();
      expect(await p.getByRole('button', { name: 'Create key' }).count()).toBe(0);
      for (const name of ['Rotate', 'Revoke', 'Delete']) expect(await row(p, 'existing key').getByRole('button', { name }).count()).toBe(0);
      for (const name of ['System API keys', 'System settings', 'Organizations'])
        expect(await p.getByRole('link', { name, exact: true }).count()).toBe(0);
      // Signing out ends the session: a reload shows the sign-in form again.
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      await p.reload();
      await p.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(w.problems).toEqual([]);
      await ctx.close();
    }
  });

  it('the session survives a reload through the refresh cookie; client routes under /admin load directly', async () => {
    await page.goto(`${server.url}/admin/keys`);
    await keysTable(page).or(page.getByText('No API keys yet.')).first().waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('nothing was blocked by the CSP, nothing was loaded from another origin, no serious accessibility violations', () => {
    expect(watch.problems).toEqual([]);
    expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));
  });

  async function adminToken(): Promise<string> {
    const res = await server.request('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
    return res.body.token;
  }
});
