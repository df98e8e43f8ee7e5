import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPortalToken } from '../src/portal/portal-tokens.js';
import { DIALECTS, type TestServer } from './harness.js';
import { ADMIN, login, startSessionServer } from './session-helpers.js';

/** Every header a token could ride in; the allowlisted ones too, since the allowlist is not the only defence. */
const HEADER_NAMES = [
  'authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'x-auth-token',
  'x-custom',
  'user-agent',
  'accept',
  'origin',
  'referer',
  'sec-fetch-site',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
  'forwarded',
  'proxy-authorization',
];

/**
 * SPEC §7.5: no credential-shaped string reaches a log line, whatever carried it (issue #11,
 * "Credentials in logs"). The server writes its real pino output, at trace level, into memory.
 */
describe.each(DIALECTS)('no credential in any log line (%s)', (dialect) => {
  let server: TestServer;
  const lines: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    server = await startSessionServer({ dialect, logger: pino({ level: 'trace' }, sink), env: { LOG_LEVEL: 'trace' } });
    const org = await server.createOrganization();
    tokens.apiKey = (await server.createOrgKey(org, ['client:read'])).token;
    tokens.systemKey = (await server.createSystemKey(['system:read'])).token;
    const session = await login(server, ADMIN.email, ADMIN.password);
    tokens.accessJwt = session.token;
    tokens.refresh = session.refreshCookie.slice('gw_refresh='.length);
    tokens.magicLink = newPortalToken('pml_');
    tokens.portalSession = newPortalToken('pst_');
    // A revoked key and a key-shaped forgery are credentials too.
    const revoked = await server.createOrgKey(org, ['client:read']);
    await server.gateway.keys.revoke({ tier: 'organization', organizationId: org }, revoked.id, undefined, {
      actor: { type: 'system', id: 't' },
      requestId: null,
      ip: null,
    });
    tokens.revokedKey = revoked.token;
  });
  afterAll(async () => server?.close());

  /** The whole token and each part long enough to matter (the secret after the dot, the JWT signature). */
  function fragments(token: string): string[] {
    const parts = token.split(/[._]/).filter((p) => p.length >= 20);
    return [token, ...parts];
  }

  function expectNoTokenIn(output: string): void {
    for (const [kind, token] of Object.entries(tokens)) {
      for (const f of fragments(token)) expect(output.includes(f), `${kind} fragment ${f.slice(0, 6)}… in the log`).toBe(false);
    }
  }

  it('the issue sample: ?api_key= and x-api-key on whoami are refused with 401 and not logged', async () => {
    lines.length = 0;
    const q = await server.request('GET', `/api/v1/auth/whoami?api_key=${tokens.apiKey}`);
    expect(q.status).toBe(401);
    const h = await server.request('GET', '/api/v1/auth/whoami', { headers: { 'x-api-key': tokens.apiKey! } });
    expect(h.status).toBe(401);
    const output = lines.join('');
    // The request lines are there, naming the route pattern.
    expect(output).toContain('"route":"/api/v1/auth/whoami"');
    expect(output).toContain(q.headers.get('x-request-id')!);
    expectNoTokenIn(output);
  });

  it('every token kind in the query, every header, the path and the body', async () => {
    lines.length = 0;
    for (const [kind, token] of Object.entries(tokens)) {
      const enc = encodeURIComponent(token);
      await server.request('GET', `/api/v1/auth/whoami?api_key=${enc}&token=${enc}&access_token=${token}&x=${kind}`);
      await server.request('GET', `/api/v1/clients?page=1&key=${token}`);
      for (const name of HEADER_NAMES) {
        const value =
          name === 'cookie' ? `gw_refresh=${token}; selectedOrganization=${token}` : name === 'authorization' ? `Bearer ${token}` : token;
        await server.request('GET', '/api/v1/auth/whoami', { headers: { [name]: value } });
        await server.request('POST', '/api/v1/auth/refresh-token', { headers: { [name]: value } });
      }
      // A header whose name is the token.
      await server.request('GET', '/api/v1/auth/whoami', { headers: { [token.replace(/[^0-9A-Za-z_.-]/g, '')]: 'x' } });
      await server.request('GET', `/api/v1/clients/${enc}`, { token: tokens.accessJwt });
      await server.request('GET', `/api/v1/organizations/${enc}/api-keys/${enc}`);
      await server.request('GET', `/${token}`);
      await server.request('POST', '/api/v1/auth/login', { body: { email: 'nobody@example.com', password: token } });
      await server.request('POST', '/api/v1/auth/login', {
        body: { email: token, password: token, apiKey: token, nested: { deep: [token] } },
      });
      await server.request('POST', '/api/v1/portal/auth/magic-link', { body: { token } });
      await server.request('POST', '/api/v1/auth/login', {
        body: `{"email":"${token}", broken`,
        headers: { 'content-type': 'application/json' },
      });
      await server.request('POST', '/api/v1/auth/login', { body: token, headers: { 'content-type': 'text/plain' } });
    }
    const output = lines.join('');
    expect(lines.length).toBeGreaterThan(100);
    expectNoTokenIn(output);
  });

  it('anything any component logs through the gateway’s logger is scrubbed, errors included, at every level', async () => {
    lines.length = 0;
    const log = server.gateway.logger;
    for (const [kind, token] of Object.entries(tokens)) {
      log.trace({ kind, leaked: token, nested: { list: [token] } }, `trace ${token}`);
      log.debug({ err: new Error(`failed with ${token}`) }, 'debug');
      log.child({ bound: token }).warn(`child ${token}`);
      log.error(new Error(`boom ${token}`));
    }
    const output = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(4 * Object.keys(tokens).length);
    expect(output).toContain('[redacted]');
    expectNoTokenIn(output);
  });

  it('a credential sent as X-Request-ID is not taken as the request id: not echoed, not in the audit trail', async () => {
    // The request id is echoed in the response and the error body and stored in audit events,
    // which organization viewers read: a caller-supplied one that is credential-shaped is replaced.
    const org = await server.createOrganization();
    const writer = await server.createOrgKey(org, ['client:create', 'organization:read']);
    const sent: string[] = [];
    for (const [kind, token] of Object.entries(tokens)) {
      // The whole token, and for API keys their bare secret (the part after the dot).
      for (const value of token.startsWith('sk_') ? [token, token.split('.')[1]!] : [token]) {
        const res = await server.request('POST', '/api/v1/clients', {
          token: writer.token,
          body: { name: kind, email: 'c@example.com' },
          headers: { 'x-request-id': value },
        });
        expect(res.status, kind).toBe(201);
        const echoed = res.headers.get('x-request-id')!;
        expect(echoed, kind).toMatch(/^req_[0-9a-f]{32}$/);
        sent.push(echoed);
        const refused = await server.request('GET', '/api/v1/clients/nope', { headers: { 'x-request-id': value } });
        expect(refused.body.requestId, kind).toBe(refused.headers.get('x-request-id'));
        expect(refused.body.requestId, kind).toMatch(/^req_[0-9a-f]{32}$/);
      }
    }
    const events = await server.request('GET', `/api/v1/organizations/${org}/audit-events?limit=100&action=client.created`, {
      token: writer.token,
    });
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { requestId: string }) => e.requestId).sort()).toEqual([...sent].sort());
    expectNoTokenIn(JSON.stringify(events.body));
    // Ordinary caller ids still pass through.
    const plain = await server.request('GET', '/api/v1/auth/whoami', { token: writer.token, headers: { 'x-request-id': 'trace-0f3a-42' } });
    expect(plain.headers.get('x-request-id')).toBe('trace-0f3a-42');
  });

  it('a successful request with a valid key logs its route pattern, not its path parameters’ secrets', async () => {
    lines.length = 0;
    const res = await server.request('GET', '/api/v1/clients', { token: tokens.apiKey });
    expect(res.status).toBe(200);
    const output = lines.join('');
    expect(output).toContain('"route":"/api/v1/clients"');
    expectNoTokenIn(output);
  });
});
