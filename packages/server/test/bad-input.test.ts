// Issue #11, "bad input answered 500" (SPEC §7.1): every sample kept as a test, each widened to
// its kind. Every answer is a 4xx in the one error shape with a matching X-Request-ID; the fuzzer
// (test/fuzz) covers the rest of the input space.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { listRoutes, MAX_PAGE, type ContractRoute, type ErrorCode } from '@payment-gateway/contract';
import { isAppRouteNoBody } from '@ts-rest/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors } from '../src/http/client-error.js';
import { paginate } from '../src/storage/paginate.js';
import { DIALECTS, type HttpResult } from './harness.js';
import { useFuzzServer } from './fuzz/fuzz-target.js';
import { RAW_CASES } from './fuzz/raw-cases.js';
import { sendRaw, type RawResponse } from './fuzz/raw-http.js';

/** The one error body, with the status its code has and the X-Request-ID header repeated. */
function expectShape(res: { status: number; body: unknown; requestIdHeader: string | null | undefined }, status: number, code?: ErrorCode) {
  const body = res.body as { error: unknown; code: unknown; requestId: unknown };
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(typeof body.error).toBe('string');
  if (code) expect(body.code).toBe(code);
  expect(res.requestIdHeader).toMatch(/\S/);
  expect(body.requestId).toBe(res.requestIdHeader);
  return body as { error: string; code: string; requestId: string; details?: { issues?: { path: string }[] } };
}
const fromFetch = (r: HttpResult) => ({ status: r.status, body: r.body, requestIdHeader: r.headers.get('x-request-id') });
const fromRaw = (r: RawResponse) => ({ status: r.status, body: JSON.parse(r.body) as unknown, requestIdHeader: r.headers['x-request-id'] });

/** Routes whose contract body is `c.noBody()`: they take no input in their body. */
const NO_BODY_ROUTES = listRoutes().filter((r) => 'body' in r.route && isAppRouteNoBody(r.route.body as never));

const LIST_ROUTES = listRoutes().filter(
  (r) => r.route.method === 'GET' && 'query' in r.route && r.route.query && 'page' in (r.route.query as unknown as { shape: object }).shape,
);

describe.each(DIALECTS)('bad input never answers 5xx (%s)', (dialect) => {
  const w = useFuzzServer(dialect);
  const token = w.token;

  /** A credential the route accepts, and its path with real ids. */
  function callerFor(r: ContractRoute): { token: string; path: string } {
    const kinds = r.metadata.auth.credentials;
    const path = r.route.path.replace(':orgId', w.orgId);
    if (kinds.includes('portalSession')) return { token: token('portalSession'), path };
    if (kinds.includes('organizationKey')) return { token: token('orgKey'), path };
    if (kinds.includes('systemKey')) return { token: token('systemKey'), path };
    return { token: token('adminSession'), path };
  }

  describe('routes that take no body', () => {
    it('there are such routes (issue, pause, resume, cancel, logout, deletes, recurring processing)', () => {
      expect(NO_BODY_ROUTES.map((r) => r.route.path)).toEqual(
        expect.arrayContaining(['/api/v1/invoices/:id/issue', '/api/v1/system/recurring/process']),
      );
    });

    it.each(NO_BODY_ROUTES.map((r) => [r.name, r] as const))(
      '%s: a body with anything in it is 400 VALIDATION_FAILED, not silently ignored',
      async (_name, r) => {
        const { token: t, path } = callerFor(r);
        const concrete = path.replace(/:[A-Za-z]+/g, 'x_AAAAAAAAAAAAAAAAAAAA');
        for (const body of [{ now: '2030-01-01T00:00:00Z' }, { reason: 'x' }, [], [1], { '': null }]) {
          const res = fromFetch(await w.fuzz.server.request(r.route.method, concrete, { token: t, body }));
          const b = expectShape(res, 400, 'VALIDATION_FAILED');
          expect(b.details?.issues?.[0]?.path, JSON.stringify(body)).toBe('body');
        }
      },
    );

    it('an absent body or {} is still accepted', async () => {
      const t = token('systemKey');
      expect((await w.fuzz.server.request('POST', '/api/v1/system/recurring/process', { token: t })).status).toBe(200);
      expect((await w.fuzz.server.request('POST', '/api/v1/system/recurring/process', { token: t, body: {} })).status).toBe(200);
    });
  });

  describe('malformed percent-encoding in a path', () => {
    it.each([
      '/api/v1/clients/%zz',
      '/api/v1/clients/%',
      '/api/v1/clients/%E2%82',
      '/api/v1/organizations/%zz/api-keys',
      '/api/v1/system/api-keys/%C0',
      '/api/v1/invoices/recurring/%G0/pause',
    ])('%s: 400 VALIDATION_FAILED with and without a credential', async (path) => {
      const method = path.endsWith('/pause') ? 'POST' : 'GET';
      expectShape(fromFetch(await w.fuzz.server.request(method, path)), 400, 'VALIDATION_FAILED');
      expectShape(fromFetch(await w.fuzz.server.request(method, path, { token: token('orgKey') })), 400, 'VALIDATION_FAILED');
      expectShape(fromFetch(await w.fuzz.server.request(method, path, { token: token('adminSession') })), 400, 'VALIDATION_FAILED');
    });

    it('an unknown path with bad percent-encoding is still an answer in the one shape', async () => {
      const res = fromFetch(await w.fuzz.server.request('GET', '/api/v1/%zz/%'));
      expect([400, 404]).toContain(res.status);
      expectShape(res, res.status);
    });
  });

  describe('pagination is validated at the edge on every list route', () => {
    it('covers every list route of the contract', () => {
      expect(LIST_ROUTES.length).toBeGreaterThanOrEqual(10);
    });

    it.each(LIST_ROUTES.map((r) => [r.name, r] as const))(
      '%s: refuses page and limit out of range or not decimal digits',
      async (_name, r) => {
        const { token: t, path } = callerFor(r);
        const bad = [
          'page=1e21',
          'page=461168601842738791',
          'page=9007199254740993',
          `page=${MAX_PAGE + 1}`,
          'page=0',
          'page=-1',
          'page=1.5',
          'page=abc',
          'page=',
          'page=%201',
          'page=0x10',
          'page=1&page=2',
          'limit=0',
          'limit=101',
          'limit=1e2',
          'limit=1&limit=2',
          'limit[]=1',
          'page[a]=1',
        ];
        for (const q of bad) {
          const body = expectShape(fromFetch(await w.fuzz.server.request('GET', `${path}?${q}`, { token: t })), 400, 'VALIDATION_FAILED');
          expect(body.details?.issues?.length, q).toBeGreaterThan(0);
        }
        const last = await w.fuzz.server.request('GET', `${path}?page=${MAX_PAGE}&limit=100`, { token: t });
        expect(last.status, JSON.stringify(last.body)).toBe(200);
        expect(last.body).toMatchObject({ items: [], page: MAX_PAGE, limit: 100 });
        expect((await w.fuzz.server.request('GET', `${path}?page=1&limit=100`, { token: t })).status).toBe(200);
      },
    );
  });

  it('the storage layer never sends an overflowing OFFSET, even for callers that bypass the contract', async () => {
    const { db } = w.fuzz.server.gateway.database;
    const query = db.selectFrom('organizations').select(['id']).orderBy('id');
    for (const page of [1e21, 461168601842738791, Number.MAX_SAFE_INTEGER, 2 ** 31, Infinity]) {
      const result = await paginate(query, { page, limit: 100 }, (r) => r.id);
      expect(result.items, String(page)).toEqual([]);
      expect(result.total).toBeGreaterThanOrEqual(2);
    }
    expect((await paginate(query, { page: 1, limit: 100 }, (r) => r.id)).items.length).toBeGreaterThanOrEqual(2);
  });

  describe('requests Node refuses get the one error body and a fresh X-Request-ID', () => {
    it.each(RAW_CASES.filter((c) => c.expectStatus !== undefined).map((c) => [c.label, c] as const))('%s', async (_label, c) => {
      const { port: p } = new URL(w.fuzz.server.url);
      const { response } = await sendRaw('127.0.0.1', Number(p), c.bytes, 10_000, true);
      expect(response, 'no answer').not.toBeNull();
      const body = expectShape(fromRaw(response!), c.expectStatus!);
      expect(body.requestId).toMatch(/^req_[0-9a-f]{32}$/);
      expect(response!.headers.connection).toBe('close');
    });

    it('CONNECT is answered 405 instead of a dropped connection', async () => {
      const { port: p } = new URL(w.fuzz.server.url);
      const { response } = await sendRaw(
        '127.0.0.1',
        Number(p),
        Buffer.from('CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'),
        10_000,
        true,
      );
      expectShape(fromRaw(response!), 405, 'METHOD_NOT_ALLOWED');
    });

    it('two Authorization headers are 400 MALFORMED_AUTHORIZATION, whichever credentials they carry', async () => {
      // Node keeps the first Authorization line and drops the rest; a proxy may read the last:
      // an ambiguous credential is refused, not guessed (SPEC §7.1).
      const { port: p } = new URL(w.fuzz.server.url);
      const a = token('orgKey');
      for (const [path, second] of [
        ['/api/v1/clients', token('adminSession')],
        ['/api/v1/clients', a],
        ['/api/v1/auth/whoami', 'garbage'],
        ['/api/v1/portal/session', token('portalSession')],
      ] as const) {
        const raw = `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${a}\r\nauthorization: Bearer ${second}\r\n\r\n`;
        const { response } = await sendRaw('127.0.0.1', Number(p), Buffer.from(raw), 10_000, true);
        expectShape(fromRaw(response!), 400, 'MALFORMED_AUTHORIZATION');
      }
    });

    it('an unsupported Expect is ignored rather than answered with a bare 417', async () => {
      const { port: p } = new URL(w.fuzz.server.url);
      const raw =
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: teapot\r\n\r\n{}';
      const { response } = await sendRaw('127.0.0.1', Number(p), Buffer.from(raw), 10_000, true);
      expectShape(fromRaw(response!), 400, 'VALIDATION_FAILED');
    });
  });

  describe('NUL characters (PostgreSQL text cannot store them) are refused at the edge', () => {
    it('in any body string or query value, on every kind of route: 400 VALIDATION_FAILED naming the field', async () => {
      const org = w.orgId;
      const victimKey = w.fuzz.target.hints.keyId![2]!;
      const cases: [string, string, string, unknown, string][] = [
        ['orgKey', 'POST', '/api/v1/clients', { email: 'nul@example.com', name: 'a\u0000b' }, 'body.name'],
        ['orgKey', 'GET', '/api/v1/clients?externalId=a%00b', undefined, 'query.externalId'],
        ['orgKey', 'GET', `/api/v1/organizations/${org}/audit-events?actorId=%00&action=x`, undefined, 'query.actorId'],
        ['adminSession', 'GET', '/api/v1/system/audit-events?action=%00x', undefined, 'query.action'],
        ['orgKey', 'POST', `/api/v1/organizations/${org}/api-keys`, { name: 'a\u0000', scopes: ['client:read'] }, 'body.name'],
        [
          'orgKey',
          'POST',
          `/api/v1/organizations/${org}/api-keys`,
          { name: 'x', description: '\u0000', scopes: ['client:read'] },
          'body.description',
        ],
        ['orgKey', 'POST', `/api/v1/organizations/${org}/api-keys/${victimKey}/revoke`, { reason: 'r\u0000' }, 'body.reason'],
        ['adminSession', 'POST', '/api/v1/system/organizations', { name: 'o\u0000' }, 'body.name'],
        [
          'adminSession',
          'POST',
          '/api/v1/system/users',
          { email: 'nul-user@example.com', name: 'n\u0000', password: 'Password-123456' },
          'body.name',
        ],
        ['none', 'POST', '/api/v1/auth/login', { email: 'root@example.com', password: 'x\u0000' }, 'body.password'],
        [
          'orgKey',
          'POST',
          '/api/v1/invoices',
          { clientId: w.fuzz.target.hints.clientId![0], currency: 'EUR', lines: [{ description: 'd\u0000', quantity: 1, unitAmount: 1 }] },
          'body.lines.0.description',
        ],
        ['orgKey', 'POST', '/api/v1/clients', { email: 'nul2@example.com', name: 'ok', 'k\u0000': 1 }, 'body'],
      ];
      for (const [cred, method, path, body, field] of cases) {
        const res = await w.fuzz.server.request(method, path, {
          token: cred === 'none' ? undefined : token(cred),
          body,
          headers: cred === 'adminSession' ? { cookie: `selectedOrganization=${org}` } : {},
        });
        const b = expectShape(fromFetch(res), 400, 'VALIDATION_FAILED');
        expect(
          b.details?.issues?.map((i) => i.path),
          `${method} ${path}`,
        ).toContain(field);
      }
    });
  });

  describe('methods, encodings and content types', () => {
    it('a known path with another method: 405 METHOD_NOT_ALLOWED naming the allowed ones', async () => {
      const res = await w.fuzz.server.request('PATCH', '/api/v1/clients', { token: token('orgKey') });
      expectShape(fromFetch(res), 405, 'METHOD_NOT_ALLOWED');
      expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
      const options = await w.fuzz.server.request('OPTIONS', '/api/v1/clients');
      expect(options.status).toBe(204);
      expect(options.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
      expect(options.headers.get('x-request-id')).toMatch(/\S/);
      const unknown = await w.fuzz.server.request('PATCH', '/api/v1/nowhere');
      expectShape(fromFetch(unknown), 404, 'ROUTE_NOT_FOUND');
    });

    it('a static docs path that resolves to a directory is 404 in the one shape, not an HTML redirect', async () => {
      for (const path of ['/api/v1/docs/assets/swagger-ui.css/..', '/api/v1/docs/assets/%2e', '/api/v1/docs/assets/../assets']) {
        const res = await fetch(`${w.fuzz.server.url}${path}`, { redirect: 'manual' });
        expectShape(
          { status: res.status, body: await res.json(), requestIdHeader: res.headers.get('x-request-id') },
          404,
          'ROUTE_NOT_FOUND',
        );
      }
    });

    it('HEAD carries X-Request-ID; If-None-Match never turns an answer into a bodiless 304', async () => {
      const head = await fetch(`${w.fuzz.server.url}/api/v1/auth/whoami`, { method: 'HEAD' });
      expect(head.status).toBe(401);
      expect(head.headers.get('x-request-id')).toMatch(/\S/);
      const res = await w.fuzz.server.request('GET', '/api/v1/auth/whoami', { token: token('orgKey'), headers: { 'if-none-match': '*' } });
      expect(res.status).toBe(200);
    });

    it('gzip bodies are read; corrupt or unknown encodings and charsets are 4xx', async () => {
      const post = (body: Uint8Array | string, headers: Record<string, string>) =>
        fetch(`${w.fuzz.server.url}/api/v1/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token('orgKey')}`, ...headers },
          body: typeof body === 'string' ? body : new Uint8Array(body),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as unknown,
          requestIdHeader: r.headers.get('x-request-id'),
        }));
      const json = JSON.stringify({ email: 'gzip@example.com', name: 'Gzip' });
      expect((await post(gzipSync(json), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(201);
      const corrupt = gzipSync(json).subarray(0, 12);
      expectShape(await post(corrupt, { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, 'VALIDATION_FAILED');
      expectShape(await post(json, { 'content-type': 'application/json', 'content-encoding': 'zstd' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectShape(await post(json, { 'content-type': 'application/json; charset=latin1' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      // JSON is UTF-8 only (RFC 8259 §8.1): a UTF-16 body is refused, not decoded (probe finding).
      for (const charset of ['utf-16', 'UTF-16LE', 'utf-16be', 'utf8', '"utf-32"']) {
        expectShape(
          await post(Buffer.from(json, 'utf16le'), { 'content-type': `application/json; charset=${charset}` }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
      expect(
        (await post(JSON.stringify({ email: 'utf8@example.com', name: 'U' }), { 'content-type': 'application/json; charset=UTF-8' }))
          .status,
      ).toBe(201);
      expectShape(await post(json, { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('deep, huge, prototype-polluting and duplicate-key JSON is 4xx', async () => {
      const send = (body: string) =>
        fetch(`${w.fuzz.server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      for (const body of [
        `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
        `{"a":"${'x'.repeat(300_000)}"}`,
        '{"__proto__":{"isAdmin":true},"email":"a@b.co","password":"x"}',
        '{"constructor":{"prototype":{"x":1}}}',
      ]) {
        const r = await send(body);
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        const b = (await r.json()) as { requestId: string };
        expect(b.requestId).toBe(r.headers.get('x-request-id'));
      }
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('X-Organization-ID is refused where the credential rides in the body or a cookie: login, refresh, magic-link redemption', async () => {
      // SPEC §3: with any credential, 400. A password, a refresh cookie and a link token are credentials.
      for (const name of ['X-Organization-ID', 'x-organization-id', 'X-ORGANIZATION-ID']) {
        const headers = { [name]: w.orgId };
        for (const [path, body, cookie] of [
          ['/api/v1/auth/login', { email: 'admin@example.com', password: 'not-the-password' }, undefined],
          ['/api/v1/auth/refresh-token', undefined, 'gw_refresh=rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
          ['/api/v1/portal/auth/magic-link', { token: 'pml_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, undefined],
        ] as const) {
          const res = await w.fuzz.server.request('POST', path, { body, headers: cookie ? { ...headers, cookie } : headers });
          expectShape(fromFetch(res), 400, 'ORGANIZATION_HEADER_NOT_ALLOWED');
        }
      }
      // The load balancer's health checks carry no credential: the header is ignored there.
      expect((await w.fuzz.server.request('GET', '/health', { headers: { 'X-Organization-ID': w.orgId } })).status).toBe(200);
    });

    it('X-Organization-ID of any value, with or without a credential, is never a 5xx', async () => {
      for (const value of ['', ' ', '%zz', 'org_AAAAAAAAAAAAAAAA', w.orgId, 'A'.repeat(4000), 'null', '[]']) {
        for (const t of [undefined, token('orgKey'), token('adminSession')]) {
          const res = await w.fuzz.server.request('GET', '/api/v1/clients', { token: t, headers: { 'x-organization-id': value } });
          expect(res.status).toBeLessThan(500);
          expectShape(fromFetch(res), res.status);
        }
      }
    });
  });
});

describe('Node request timeouts are answered 408 in the one shape', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer({ headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 }, (_req, res) => res.end('ok'));
    answerClientErrors(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('a client that never finishes its headers gets 408 REQUEST_TIMEOUT with an X-Request-ID', async () => {
    const { port } = server.address() as AddressInfo;
    const { response } = await sendRaw('127.0.0.1', port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '), 10_000, true);
    expect(response, 'no answer').not.toBeNull();
    expectShape(fromRaw(response!), 408, 'REQUEST_TIMEOUT');
  });
});
