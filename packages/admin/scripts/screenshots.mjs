#!/usr/bin/env node
// Takes the README's screenshots (docs/keys-page.png, docs/create-key-dialog.png) with Playwright
// in Chromium against a throwaway server (the bundled CLI on SQLite in a temp directory).
// Needs `npm run build` first and Debian's chromium:  node packages/admin/scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkg, '..', 'server', 'dist', 'payment-gateway.mjs');
const admin = { email: 'admin@example.com', password: 'screenshot-password-123' };
const port = 3000 + Math.floor(Math.random() * 1000) + 20000;
const url = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'gw-shots-'));

const server = spawn(process.execPath, [cli, 'start'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    BOOTSTRAP_ADMIN_EMAIL: admin.email,
    BOOTSTRAP_ADMIN_PASSWORD: admin.password,
  },
  stdio: 'inherit',
});

async function api(method, path, token, body) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      if (i > 100) throw new Error('the server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const { token } = await api('POST', '/api/v1/auth/login', null, admin);
  const org = await api('POST', '/api/v1/system/organizations', token, { name: 'Acme Store' });
  const keys = [
    { name: 'Storefront checkout', description: 'Creates checkout links', scopes: ['checkout:create'] },
    { name: 'Billing bridge', scopes: ['client:read', 'client:create', 'invoice:read', 'invoice:create'], ipAllowlist: ['203.0.113.0/24'] },
    { name: 'Customer portal links', scopes: ['portal:create'], expiresAt: '2027-06-30T00:00:00.000Z' },
  ];
  for (const k of keys) await api('POST', `/api/v1/organizations/${org.id}/api-keys`, token, k);
  const old = await api('POST', `/api/v1/organizations/${org.id}/api-keys`, token, { name: 'Legacy export job', scopes: ['data_io:read'] });
  await api('POST', `/api/v1/organizations/${org.id}/api-keys/${old.id}/revoke`, token, { reason: 'replaced' });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 720 } });
  await page.goto(`${url}/admin`);
  await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('table', { name: 'API keys' }).waitFor();
  await page.screenshot({ path: join(pkg, 'docs', 'keys-page.png') });
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Billing bridge (production)');
  await dialog.getByRole('button', { name: 'Billing bridge', exact: true }).click();
  await page.setViewportSize({ width: 1400, height: 1300 });
  await dialog.screenshot({ path: join(pkg, 'docs', 'create-key-dialog.png') });
  await browser.close();
  console.log('wrote docs/keys-page.png and docs/create-key-dialog.png');
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
