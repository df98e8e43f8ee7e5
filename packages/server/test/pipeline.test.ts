import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

/** A raw HTTP exchange (HEAD and exact headers, which fetch hides or normalises). */
function raw(url: string, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The leaner request pipeline (issue #16) answers exactly as before: helmet's headers, request
 * ids, Express's routing rules (letter case, trailing slash, 404/405/OPTIONS), the JSON answer's
 * headers, and one request log line per request with the same fields.
 */
describe.each(DIALECTS)('request pipeline (%s)', (dialect) => {
  let server: TestServer;
  let token: string;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    server = await startTestServer({ dialect, logger: pino({ level: 'info' }, sink) });
    const org = await server.createOrganization();
    token = (await server.createOrgKey(org, ['client:read'])).token;
  });
  afterAll(async () => server?.close());

  const auth = () => ({ authorization: `Bearer ${token}` });

  it('sets helmet’s security headers on answers and errors alike, and no X-Powered-By', async () => {
    for (const [method, path, status] of [
      ['GET', '/api/v1/auth/whoami', 200],
      ['GET', '/api/v1/no-such-route', 404],
      ['DELETE', '/api/v1/auth/whoami', 405],
    ] as const) {
      const res = await raw(server.url, method, path, auth());
      expect(res.status).toBe(status);
      const h = res.headers;
      expect(h['content-security-policy']).toContain("default-src 'self'");
      expect(h['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(h['x-content-type-options']).toBe('nosniff');
      expect(h['x-frame-options']).toBe('SAMEORIGIN');
      expect(h['referrer-policy']).toBe('no-referrer');
      expect(h['cross-origin-opener-policy']).toBe('same-origin');
      expect(h['cross-origin-resource-policy']).toBe('same-origin');
      expect(h['origin-agent-cluster']).toBe('?1');
      expect(h['x-dns-prefetch-control']).toBe('off');
      expect(h['x-download-options']).toBe('noopen');
      expect(h['x-permitted-cross-domain-policies']).toBe('none');
      expect(h['x-xss-protection']).toBe('0');
      expect(h['x-powered-by']).toBeUndefined();
      expect(h['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
    }
  });

  it('answers JSON with its exact length and type; HEAD gets the same headers and no body', async () => {
    const get = await raw(server.url, 'GET', '/api/v1/auth/whoami', auth());
    expect(get.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(get.headers['content-length']).toBe(String(Buffer.byteLength(get.body)));
    expect(JSON.parse(get.body)).toMatchObject({ type: 'api_key' });
    expect(get.headers.etag).toBeUndefined();
    const head = await raw(server.url, 'HEAD', '/api/v1/auth/whoami', auth());
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    // Conditional request headers never make a bodiless 304.
    const conditional = await raw(server.url, 'GET', '/api/v1/auth/whoami', { ...auth(), 'if-none-match': '*' });
    expect(conditional.status).toBe(200);
    expect(conditional.body).toBe(get.body);
  });

  it('routes as Express does: any letter case, a trailing slash, 404, 405 with Allow, OPTIONS 204', async () => {
    expect((await raw(server.url, 'GET', '/API/V1/Auth/WhoAmI/', auth())).status).toBe(200);
    expect((await raw(server.url, 'GET', '/health/')).status).toBe(200);
    const notFound = await raw(server.url, 'GET', '/api/v1/auth/whoami/extra', auth());
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.body)).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect((await raw(server.url, 'GET', '/api//v1/auth/whoami', auth())).status).toBe(404);
    const notAllowed = await raw(server.url, 'PUT', '/api/v1/auth/whoami', auth());
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.allow).toBe('GET, HEAD');
    expect(JSON.parse(notAllowed.body)).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const options = await raw(server.url, 'OPTIONS', '/api/v1/auth/whoami');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('writes one request line per request, with the request id, masked path, route, status and time; none for /health', async () => {
    lines.length = 0;
    // A declared query parameter: an undeclared one is 400 (http/undeclared-input.ts).
    const res = await raw(server.url, 'GET', '/api/v1/clients?limit=1', { ...auth(), 'user-agent': 'pipeline-test' });
    await raw(server.url, 'GET', '/health');
    await new Promise((r) => setTimeout(r, 50));
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      req: { id: res.headers['x-request-id'], method: 'GET', path: '/api/v1/clients', headers: { 'user-agent': 'pipeline-test' } },
      res: { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': res.headers['x-request-id'] } },
      route: '/api/v1/clients',
    });
    expect(logged[0].req.headers.authorization).toBeUndefined();
    expect(typeof logged[0].responseTime).toBe('number');
  });

  it('logs a request its client abandons before the answer once, and goes on serving', async () => {
    lines.length = 0;
    const id = 'abandoned-request-0001';
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    // A body announced but never sent in full: the request is still waiting for it when the client leaves.
    socket.write(
      `POST /api/v1/clients HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-ID: ${id}\r\n\r\n{"na`,
    );
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.req?.id === id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ req: { method: 'POST', path: '/api/v1/clients' } });
    expect((await raw(server.url, 'GET', '/api/v1/clients?limit=1', auth())).status).toBe(200);
  });
});
