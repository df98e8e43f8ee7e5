/**
 * The bundled CLI (dist/payment-gateway.mjs) serves the customer portal page, and links it mints
 * default to the port it actually listens on (PORT=0), SPEC §12. Needs the build; skips without.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForListening } from './support/listening.js';

const serverDir = fileURLToPath(new URL('../', import.meta.url));
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
if (!existsSync(BUNDLE)) console.warn(`[portal-bundle] skipped: ${BUNDLE} does not exist; build the server first`);

describe.skipIf(!existsSync(BUNDLE))('the bundled CLI serves the portal page', () => {
  let child: ChildProcess | null = null;
  let url = '';
  let dataDir = '';
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gw-portal-bundle-'));
    const env = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      BOOTSTRAP_ADMIN_EMAIL: 'a@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: 'bundle-admin-password-123',
    };
    const proc = spawn(process.execPath, [BUNDLE, 'start'], { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    url = await waitForListening(proc, 20_000);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
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
