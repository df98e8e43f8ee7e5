import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const require = createRequire(import.meta.url);

describe('OpenAPI document and interactive reference', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('serves the committed OpenAPI document without authentication', async () => {
    const res = await server.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const committed = JSON.parse(readFileSync(require.resolve('@payment-gateway/openapi/openapi.json'), 'utf8'));
    expect(res.body).toEqual(committed);
    expect(res.body.openapi).toMatch(/^3\.1/);
  });

  it('serves an interactive reference whose scripts and styles load from this server', async () => {
    const page = await server.request('GET', '/api/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const assets = [...String(page.body).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/api/v1/docs/')).toBe(true);
      const res = await fetch(server.url + asset);
      expect(res.status, asset).toBe(200);
    }
    const init = await (await fetch(`${server.url}/api/v1/docs/init.js`)).text();
    expect(init).toContain('/api/v1/openapi.json');
  });
});
