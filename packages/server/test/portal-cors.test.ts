import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ownUrl } from '../src/util/own-url.js';
import { createBillingOrg, tokenOf, type BillingOrg } from './billing-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const SHOP = 'https://shop.example.com';
const OTHER = 'https://evil.example.net';
const MINT = '/api/v1/organizations/settings/portal/magic-links';
const CONSUME = '/api/v1/portal/auth/magic-link';
const INVOICES = '/api/v1/portal/invoices';

const preflight = (server: TestServer, path: string, origin: string, method = 'POST') =>
  fetch(server.url + path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
  });

describe.each(DIALECTS)("CORS for merchants' front ends (%s)", (dialect) => {
  let server: TestServer;
  let acme: BillingOrg;
  let portalKey: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { CORS_ORIGINS: `${SHOP}, http://localhost:5173` } });
    acme = await createBillingOrg(server, 'Acme');
    portalKey = (await server.createOrgKey(acme.organizationId, ['portal:create'])).token;
    await acme.customerWithIssuedInvoice('alice@example.com');
  });
  afterAll(async () => server?.close());

  it('a preflight from an allowed origin to a portal route answers 204 with the CORS headers', async () => {
    for (const path of [CONSUME, INVOICES, '/api/v1/portal/auth/logout']) {
      const res = await preflight(server, path, SHOP, path === INVOICES ? 'GET' : 'POST');
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/GET/);
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization,content-type');
      expect(res.headers.get('access-control-max-age')).toBe('600');
      expect(res.headers.get('vary')).toMatch(/Origin/i);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    expect((await preflight(server, CONSUME, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe(
      'http://localhost:5173',
    );
  });

  it('actual requests from an allowed origin carry Access-Control-Allow-Origin, errors too', async () => {
    const link = await server.request('POST', MINT, { token: portalKey, body: { email: 'alice@example.com' } });
    expect(link.status).toBe(201);
    const redeemed = await server.request('POST', CONSUME, { body: { token: tokenOf(link.body.url) }, headers: { origin: SHOP } });
    expect(redeemed.status).toBe(200);
    expect(redeemed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(redeemed.headers.get('vary')).toMatch(/Origin/i);
    const invoices = await server.request('GET', INVOICES, { token: redeemed.body.token, headers: { origin: SHOP } });
    expect(invoices.status).toBe(200);
    expect(invoices.headers.get('access-control-allow-origin')).toBe(SHOP);
    const replay = await server.request('POST', CONSUME, { body: { token: tokenOf(link.body.url) }, headers: { origin: SHOP } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('MAGIC_LINK_INVALID');
    expect(replay.headers.get('access-control-allow-origin')).toBe(SHOP);
    const unauthenticated = await server.request('GET', INVOICES, { headers: { origin: SHOP } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('another origin (or a look-alike) gets no CORS headers, on preflights and actual requests', async () => {
    for (const origin of [OTHER, 'https://shop.example.com.evil.net', 'http://shop.example.com', 'https://shop.example.com:8443', 'null']) {
      const pre = await preflight(server, CONSUME, origin);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(pre.headers.get('access-control-allow-methods'), origin).toBeNull();
      const res = await server.request('POST', CONSUME, { body: { token: 'pml_nope' }, headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('Admin API routes never answer CORS by default, even for an allowed origin', async () => {
    for (const path of [MINT, '/api/v1/invoices', '/api/v1/organizations/api-keys', '/api/v1/system/api-keys']) {
      const pre = await preflight(server, path, SHOP);
      expect(pre.headers.get('access-control-allow-origin'), path).toBeNull();
      expect(pre.headers.get('access-control-allow-methods'), path).toBeNull();
    }
    const res = await server.request('GET', '/api/v1/invoices', { token: acme.token, headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ADMIN_API=true applies the origins to the Admin API too', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: SHOP, CORS_ADMIN_API: 'true' } });
  });
  afterAll(async () => server?.close());

  it('answers a preflight to an Admin route for the allowed origin only', async () => {
    const pre = await preflight(server, '/api/v1/invoices', SHOP, 'GET');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect((await preflight(server, '/api/v1/invoices', OTHER, 'GET')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('no CORS_ORIGINS: no CORS anywhere', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('a portal preflight gets the ordinary OPTIONS answer without CORS headers', async () => {
    const pre = await preflight(server, CONSUME, SHOP);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('configuration: CORS_ORIGINS, PUBLIC_BASE_URL and its alias PORTAL_BASE_URL', () => {
  it('accepts origins and normalises base URLs', () => {
    const c = loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173', PUBLIC_BASE_URL: 'https://pay.example.com/' });
    expect(c.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(c.corsAdminApi).toBe(false);
    expect(c.publicBaseUrl).toBe('https://pay.example.com');
    expect(loadConfig({ PORTAL_BASE_URL: 'https://pay.example.com/sub' }).publicBaseUrl).toBe('https://pay.example.com/sub');
    expect(loadConfig({}).publicBaseUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://x.example.com', PORTAL_BASE_URL: 'https://x.example.com/' }).publicBaseUrl).toBe(
      'https://x.example.com',
    );
  });

  it.each([
    'https://a.example.com/path',
    'a.example.com',
    'ftp://a.example.com',
    'https://a.example.com/',
    'https://a.example.com?x=1',
    '*',
  ])('rejects CORS_ORIGINS=%s naming the variable', (value) => {
    expect(() => loadConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });

  it.each(['not a url', 'ftp://pay.example.com', 'https://pay.example.com/?a=1', 'https://pay.example.com/#x', '/relative'])(
    'rejects PUBLIC_BASE_URL=%s',
    (value) => {
      expect(() => loadConfig({ PUBLIC_BASE_URL: value })).toThrow(/PUBLIC_BASE_URL/);
      expect(() => loadConfig({ PORTAL_BASE_URL: value })).toThrow(/PORTAL_BASE_URL/);
    },
  );

  it('both set and different is a start error naming both', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://a.example.com', PORTAL_BASE_URL: 'https://b.example.com' })).toThrow(
      /PUBLIC_BASE_URL and PORTAL_BASE_URL/,
    );
  });

  it('rejects CORS_ADMIN_API other than true/false', () => {
    expect(() => loadConfig({ CORS_ADMIN_API: 'yes' })).toThrow(/CORS_ADMIN_API/);
  });
});

describe("the default base of minted links: the server's own listen URL", () => {
  it('uses the bound address; a wildcard host becomes localhost, IPv6 is bracketed', () => {
    expect(ownUrl('127.0.0.1', 43210)).toBe('http://127.0.0.1:43210');
    expect(ownUrl('0.0.0.0', 3000)).toBe('http://localhost:3000');
    expect(ownUrl('::', 3000)).toBe('http://localhost:3000');
    expect(ownUrl('::1', 8080)).toBe('http://[::1]:8080');
  });

  it('a server on PORT=0 mints links on the port it actually listens on', async () => {
    const server = await startTestServer();
    try {
      const org = await createBillingOrg(server, 'Acme');
      await org.customerWithIssuedInvoice('bob@example.com');
      const key = (await server.createOrgKey(org.organizationId, ['portal:create'])).token;
      const link = await server.request('POST', MINT, { token: key, body: { email: 'bob@example.com' } });
      expect(link.status).toBe(201);
      expect(link.body.url).toMatch(new RegExp(`^${server.url.replace(/[.]/g, '\\.')}/portal/login#token=pml_`));
      expect(server.url).not.toMatch(/:3000$/);
      expect((await fetch(link.body.url.replace(/#.*$/, ''))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
