// Unknown query parameters are refused on every API route (400 VALIDATION_FAILED naming the
// parameter), like Stripe's API, instead of being silently ignored: generated from the contract,
// so a route added tomorrow is covered too. See http/undeclared-input.ts.
import { listRoutes, type ContractRoute } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { expectError } from './auth-matrix.js';
import { useFuzzServer } from './fuzz/fuzz-target.js';
import { DIALECTS } from './harness.js';

const API_ROUTES = listRoutes().filter((r) => r.route.path.startsWith('/api/v1/'));
const issuePaths = (body: { details?: unknown }) =>
  ((body.details as { issues?: { path: string }[] } | undefined)?.issues ?? []).map((i) => i.path);

describe.each(DIALECTS)('unknown query parameters (%s)', (dialect) => {
  const w = useFuzzServer(dialect);
  const token = w.token;

  /** A credential the route accepts (none for public routes), its path with the real organization and the cookie a session needs. */
  function callerFor(r: ContractRoute): { token?: string; path: string; headers: Record<string, string> } {
    const kinds = r.metadata.auth.credentials;
    const path = r.route.path.replace(':orgId', w.orgId).replace(/:[A-Za-z]+/g, 'x_AAAAAAAAAAAAAAAAAAAA');
    if (kinds.length === 0) return { path, headers: {} };
    if (kinds.includes('portalSession')) return { token: token('portalSession'), path, headers: {} };
    if (kinds.includes('organizationKey')) return { token: token('orgKey'), path, headers: {} };
    if (kinds.includes('systemKey')) return { token: token('systemKey'), path, headers: {} };
    return { token: token('adminSession'), path, headers: { cookie: `selectedOrganization=${w.orgId}` } };
  }

  it('covers every API route of the contract, with and without a query schema', () => {
    expect(API_ROUTES.length).toBeGreaterThan(60);
    expect(API_ROUTES.some((r) => 'query' in r.route && r.route.query)).toBe(true);
    expect(API_ROUTES.some((r) => !('query' in r.route) || !r.route.query)).toBe(true);
  });

  it.each(API_ROUTES.map((r) => [r.name, r] as const))('%s: an unknown query parameter is 400 naming it', async (_name, r) => {
    const { token: t, path, headers } = callerFor(r);
    const body = r.route.method === 'GET' || r.route.method === 'DELETE' ? undefined : {};
    const res = await w.fuzz.server.request(r.route.method, `${path}?cacheBuster=1700000000`, { token: t, headers, body });
    const err = expectError(res, 400, 'VALIDATION_FAILED', `${r.route.method} ${path}`);
    expect(issuePaths(err)).toEqual(['query.cacheBuster']);
    expect(err.error).toMatch(/query parameters/);
  });

  it('the issue samples: whoami, a get, a create and a list route; declared parameters still work', async () => {
    const orgKey = token('orgKey');
    for (const [method, path, body] of [
      ['GET', '/api/v1/auth/whoami?x=1'],
      ['GET', `/api/v1/clients/${w.fuzz.target.hints.clientId![0]}?expand=invoices`],
      ['POST', '/api/v1/clients?dryRun=true', { name: 'Never', email: 'never@example.com' }],
      ['GET', '/api/v1/clients?limit=1&sort=name'],
      ['GET', '/api/v1/clients?limit=1&Limit=2'],
    ] as const) {
      const res = await w.fuzz.server.request(method, path, { token: orgKey, body });
      const err = expectError(res, 400, 'VALIDATION_FAILED', path);
      const name = [...new URL(path, 'http://x').searchParams.keys()].find((k) => k !== 'limit');
      expect(issuePaths(err), path).toEqual([`query.${name}`]);
    }
    const none = await w.fuzz.server.request('GET', '/api/v1/clients?email=never@example.com', { token: orgKey });
    expect(none.body.total).toBe(0);
    expect((await w.fuzz.server.request('GET', '/api/v1/clients?limit=1&page=1', { token: orgKey })).status).toBe(200);
    expect((await w.fuzz.server.request('GET', '/api/v1/auth/whoami?', { token: orgKey })).status).toBe(200);
  });

  it('names several (up to 10), never echoes a value, and still answers 401 first without a credential', async () => {
    const orgKey = token('orgKey');
    const many = Array.from({ length: 15 }, (_, i) => `p${i}=secret-value-${i}`).join('&');
    const res = await w.fuzz.server.request('GET', `/api/v1/auth/whoami?${many}`, { token: orgKey });
    const err = expectError(res, 400, 'VALIDATION_FAILED');
    expect(issuePaths(err)).toEqual(Array.from({ length: 10 }, (_, i) => `query.p${i}`));
    expect(JSON.stringify(err)).not.toContain('secret-value');
    expectError(await w.fuzz.server.request('GET', '/api/v1/auth/whoami?x=1'), 401, 'INVALID_CREDENTIALS');
  });

  it('health probes (outside the API) still ignore them: load balancers add cache-busters', async () => {
    expect((await w.fuzz.server.request('GET', '/health?_=1700000000')).status).toBe(200);
    expect((await w.fuzz.server.request('GET', '/health/ready?probe=lb')).status).toBe(200);
  });
});
