import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateAdminPanel } from '../../server/src/http/admin-panel.js';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import { ensurePanelBuilt } from './browser.js';
import { type BundledServer, startBundledServer } from '../../server/test/support/bundled-server.js';

const adminDist = fileURLToPath(new URL('../dist/', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../../server/dist/payment-gateway.mjs', import.meta.url));

async function expectPanel(base: string, path: string) {
  const res = await fetch(base + path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  const html = await res.text();
  expect(html).toContain('<div id="root"></div>');
  // No inline script: every <script> has a same-origin src under /admin/assets.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attrs, body] of scripts) {
    expect(attrs).toMatch(/src="\/admin\/assets\/[^"]+\.js"/);
    expect(body!.trim()).toBe('');
  }
  expect(html).not.toMatch(/<style\b/);
  expect(html).not.toMatch(/https?:\/\//);
}

describe('the server serves the panel at /admin', () => {
  let server: TestServer;
  beforeAll(async () => {
    await ensurePanelBuilt();
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('answers /admin and every client-side route under it with the app', async () => {
    for (const path of [
      '/admin',
      '/admin/',
      '/admin/keys',
      '/admin/keys/AbCdEfGhIjKlMnOpQrStUv',
      '/admin/system/settings',
      '/admin/no/such/page',
    ]) {
      await expectPanel(server.url, path);
    }
  });

  it('serves hashed assets with long caching; a missing asset is a 404 error body, not the app', async () => {
    const assets = readdirSync(join(adminDist, 'assets')).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const file of assets) {
      const res = await fetch(`${server.url}/admin/assets/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
    }
    const missing = await server.request('GET', '/admin/assets/missing-abc123.js');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ROUTE_NOT_FOUND');
    expect(missing.body.requestId).toBe(missing.headers.get('x-request-id'));
  });

  it('does not answer paths that only start with "admin"', async () => {
    expect((await server.request('GET', '/administrator')).status).toBe(404);
    expect((await server.request('GET', '/admin.json')).status).toBe(404);
  });

  it('locates the dist through the admin package exports', () => {
    expect(locateAdminPanel()).toBe(adminDist.replace(/\/$/, ''));
  });
});

describe.skipIf(!existsSync(BUNDLE))('the bundled CLI serves the panel', () => {
  let server: BundledServer | undefined;
  let url = '';
  beforeAll(async () => {
    await ensurePanelBuilt();
    server = await startBundledServer(BUNDLE, 'gw-admin-bundle-');
    url = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('from its own directory, whatever the working directory', async () => {
    await expectPanel(url, '/admin');
    await expectPanel(url, '/admin/organizations');
  });
});
