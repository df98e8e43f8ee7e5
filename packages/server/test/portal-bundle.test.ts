import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledServer, startBundledServer } from './support/bundled-server.js';

const serverDir = fileURLToPath(new URL('../', import.meta.url));
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
if (!existsSync(BUNDLE)) console.warn(`[portal-bundle] skipped: ${BUNDLE} does not exist; build the server first`);

describe.skipIf(!existsSync(BUNDLE))('the bundled CLI serves the portal page', () => {
  let server: BundledServer | undefined;
  let url = '';
  beforeAll(async () => {
    server = await startBundledServer(BUNDLE, 'gw-portal-bundle-');
    url = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves /portal/login with its script and stylesheet, under the CSP', async () => {
    const page = await fetch(`${url}/portal/login`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    expect(html).toContain('<script src="/portal/assets/portal.js"');
    expect(html).not.toMatch(/<script>|style=/);
    const js = await fetch(`${url}/portal/assets/portal.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const script = await js.text();
    expect(script).toContain("'/api/v1/portal'");
    expect(script).toContain("'/auth/magic-link'");
    const css = await fetch(`${url}/portal/assets/portal.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });
});
