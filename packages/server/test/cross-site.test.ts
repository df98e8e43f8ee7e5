import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type HttpResult, type TestServer } from './harness.js';
import { ADMIN, login, refresh, startSessionServer } from './session-helpers.js';

function expectError(res: HttpResult, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
}

const EVIL = 'https://evil.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** Issue #11 "Cookies": cookie-authenticated state changes are refused when another site sends them. */
describe.each(DIALECTS)('cross-site requests on cookie routes (%s)', (dialect) => {
  let server: TestServer;
  let host: string;
  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    host = new URL(server.url).host;
  });
  afterAll(async () => server?.close());

  const post = (path: string, headers: Record<string, string>) => server.request('POST', path, { headers });

  it('the issue sample: an empty form-encoded refresh carrying the cookie no longer refreshes', async () => {
    const session = await login(server, ADMIN.email, ADMIN.password);
    // As a browser sends it from another site's form…
    expectError(
      await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, ...FORM, origin: EVIL, 'sec-fetch-site': 'cross-site' }),
      403,
      'CROSS_SITE_REQUEST',
    );
    // …and even with the browser's headers stripped, a form content type is not a refresh.
    expectError(await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, ...FORM }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(
      await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, 'content-type': 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectError(
      await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, 'content-type': 'multipart/form-data; boundary=x' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    // The refresh token was not used up by any of those.
    expect((await refresh(server, session.refreshCookie)).status).toBe(200);
  });

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['Origin of another site', { origin: EVIL }],
    ['Origin of another port', { origin: 'http://127.0.0.1:1' }],
    ['Origin: null', { origin: 'null' }],
    ['same-origin Origin contradicted by Sec-Fetch-Site', { origin: 'SELF', 'sec-fetch-site': 'cross-site' }],
  ])('%s → 403 CROSS_SITE_REQUEST on refresh, sign-in and sign-out', async (_what, h) => {
    const headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v === 'SELF' ? server.url : v]));
    const session = await login(server, ADMIN.email, ADMIN.password);
    expectError(await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, ...headers }), 403, 'CROSS_SITE_REQUEST');
    const signIn = await server.request('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password }, headers });
    expectError(signIn, 403, 'CROSS_SITE_REQUEST');
    expect(signIn.headers.getSetCookie()).toEqual([]);
    const out = await server.request('POST', '/api/v1/auth/logout', {
      token: session.token,
      headers: { cookie: session.refreshCookie, ...headers },
    });
    expectError(out, 403, 'CROSS_SITE_REQUEST');
    expect((await refresh(server, session.refreshCookie)).status).toBe(200);
  });

  it('same-origin browsers and non-browser clients are served', async () => {
    const sameOrigin: Record<string, string>[] = [
      { origin: server.url },
      { 'sec-fetch-site': 'same-origin' },
      { origin: server.url, 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
      {},
    ];
    for (const headers of sameOrigin) {
      const session = await login(server, ADMIN.email, ADMIN.password);
      const signIn = await server.request('POST', '/api/v1/auth/login', {
        body: { email: ADMIN.email, password: ADMIN.password },
        headers,
      });
      expect(signIn.status).toBe(200);
      const refreshed = await post('/api/v1/auth/refresh-token', { cookie: session.refreshCookie, ...headers });
      expect(refreshed.status).toBe(200);
      expect((await server.request('POST', '/api/v1/auth/logout', { token: refreshed.body.token, headers })).status).toBe(204);
    }
    expect(host).toContain('127.0.0.1');
  });

  it('routes a cookie does not authenticate are not affected (Bearer credentials are not sent by other sites)', async () => {
    const session = await login(server, ADMIN.email, ADMIN.password);
    const res = await server.request('GET', '/api/v1/auth/whoami', {
      token: session.token,
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(200);
  });
});
