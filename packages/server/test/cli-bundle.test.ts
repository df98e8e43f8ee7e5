/**
 * The published CLI is one esbuild bundle (dist/payment-gateway.mjs, the package's `bin`), not
 * the tsc output the other suites run on. This suite runs what users run: everything the bundle
 * still resolves at runtime (the package version, the OpenAPI document, the Swagger UI assets,
 * better-sqlite3, generated secrets in the data directory) must work from the bundle's location.
 * It needs the build (`npm test` builds every package first); run standalone without one, it skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundledServer, startBundledServer } from './support/bundled-server.js';

const serverDir = fileURLToPath(new URL('../', import.meta.url));
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
const built = existsSync(BUNDLE);
if (!built)
  console.warn(`[cli-bundle] skipped: ${BUNDLE} does not exist; build the server first (pnpm --filter @payment-gateway/server build)`);

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

describe.skipIf(!built)('the bundled CLI (dist/payment-gateway.mjs)', () => {
  let dataDir: string;
  let server: BundledServer | undefined;
  let url: string;

  beforeAll(async () => {
    server = await startBundledServer(BUNDLE, 'gw-bundle-');
    url = server.url;
    dataDir = server.dataDir;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('is the package bin and prints its usage with --help', async () => {
    expect(join(serverDir, pkg.bin['payment-gateway']!)).toBe(BUNDLE);
    const { stdout } = await run(process.execPath, [BUNDLE, '--help'], { cwd: tmpdir() });
    expect(stdout).toContain('payment-gateway <command> [options]');
    expect(stdout).toContain('start');
  });

  it('starts on a fresh data directory and answers /health with a request id', async () => {
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    // Secrets were generated next to the SQLite database, not next to the bundle.
    expect(existsSync(join(dataDir, 'api-key-pepper'))).toBe(true);
    expect(existsSync(join(dataDir, 'gateway.sqlite'))).toBe(true);
  });

  it('serves the OpenAPI document of @payment-gateway/openapi', async () => {
    const res = await fetch(`${url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/auth/whoami');
  });

  it('serves the API reference page and its Swagger UI assets from swagger-ui-dist', async () => {
    const page = await fetch(`${url}/api/v1/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    const css = await fetch(`${url}/api/v1/docs/assets/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect((await css.text()).length).toBeGreaterThan(1000);
  });

  it('authenticates, and reports the package version it read relative to the bundle', async () => {
    expect((await fetch(`${url}/api/v1/auth/whoami`)).status).toBe(401);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bundle-admin@example.com', password: 'bundle-admin-password-123' }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const health = await fetch(`${url}/api/v1/system/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ version: pkg.version });
  });
});
