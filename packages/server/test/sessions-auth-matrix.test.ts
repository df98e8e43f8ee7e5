import {
  listRoutes,
  scopesForRole,
  hasScope,
  ALL_SCOPES,
  isSystemKeyScope,
  type ContractRoute,
  type Role,
} from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../src/util/base62.js';
import { DIALECTS, type HttpResult, type TestServer } from './harness.js';
import { createUser, login, selected, sessionToken, startSessionServer } from './session-helpers.js';

/**
 * The auth matrix for dashboard sessions and system keys, generated from the contract: every
 * route that takes a credential, its expected answer computed from its metadata (SPEC §2.1, §3).
 */
const ROUTES = listRoutes().filter((r) => r.metadata.auth.credentials.length > 0);
const takesSession = (r: ContractRoute) => r.metadata.auth.credentials.includes('session');
const takesGlobalAdmin = (r: ContractRoute) => takesSession(r) || r.metadata.auth.credentials.includes('globalAdminSession');
const AUTH_FAILURES = new Set([
  'INVALID_CREDENTIALS',
  'SESSION_EXPIRED',
  'INSUFFICIENT_SCOPE',
  'CREDENTIAL_NOT_ACCEPTED',
  'GLOBAL_ADMIN_REQUIRED',
  'NOT_ORGANIZATION_MEMBER',
  'ORGANIZATION_CONTEXT_REQUIRED',
  'ORGANIZATION_SCOPED_ROUTE',
  'ORGANIZATION_MISMATCH',
  'ORGANIZATION_INACTIVE',
  'ROUTE_NOT_FOUND',
]);

function pathFor(route: ContractRoute, orgId: string): string {
  const org = route.metadata.auth.organization === 'path' ? orgId : `org_${randomBase62(20)}`;
  return route.route.path.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'orgId') return org;
    if (name === 'keyId') return randomBase62(22);
    const shape = (route.route as { pathParams?: { shape?: Record<string, { _def?: { checks?: { kind: string; regex?: RegExp }[] } }> } })
      .pathParams?.shape;
    const regex = shape?.[name]?._def?.checks?.find((c) => c.kind === 'regex')?.regex;
    const prefix = regex ? /^\^([a-z]+)_/.exec(regex.source)?.[1] : undefined;
    return `${prefix ?? 'xxx'}_${randomBase62(20)}`;
  });
}

describe.each(DIALECTS)('session and system-key auth matrix from the contract (%s)', (dialect) => {
  let server: TestServer;
  let orgA: string;
  const users: Partial<Record<Role | 'outsider' | 'global', { email: string; password: string }>> = {};
  const tokens: Partial<Record<Role | 'outsider' | 'global' | 'loggedOut' | 'system', string>> = {};
  const mounted = new Map<string, boolean>();

  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    orgA = await server.createOrganization('Matrix A');
    const orgB = await server.createOrganization('Matrix B');
    for (const role of ['viewer', 'editor', 'admin'] as const) users[role] = await createUser(server, { roles: { [orgA]: role } });
    users.outsider = await createUser(server, { roles: { [orgB]: 'admin' } });
    users.global = await createUser(server, { globalAdmin: true });
    for (const [k, u] of Object.entries(users)) tokens[k as Role] = await sessionToken(server, u);
    tokens.loggedOut = await sessionToken(server, users.admin!);
    await server.request('POST', '/api/v1/auth/logout', { token: tokens.loggedOut });
    tokens.system = (await server.createSystemKey(ALL_SCOPES.filter((s) => !s.endsWith(':*') && isSystemKeyScope(s)))).token;
    for (const route of ROUTES) {
      const res = await server.request(route.route.method, pathFor(route, orgA));
      mounted.set(route.name, !(res.status === 404 && res.body?.code === 'ROUTE_NOT_FOUND'));
    }
  });
  afterAll(async () => server?.close());

  /** Sign-out ends the session it is called with: give it a throwaway one. */
  async function tokenFor(who: Role | 'outsider' | 'global', route: ContractRoute): Promise<string> {
    return route.name === 'api.auth.logout' ? (await login(server, users[who]!.email, users[who]!.password)).token : tokens[who]!;
  }

  function call(route: ContractRoute, token: string | undefined, headers: Record<string, string> = {}): Promise<HttpResult> {
    const method = route.route.method;
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    return server.request(method, pathFor(route, orgA), { token, headers, body });
  }

  const cookieFor = (route: ContractRoute) => (route.metadata.auth.organization === 'context' ? selected(orgA) : {});

  for (const route of ROUTES) {
    const a = route.metadata.auth;
    describe(`${route.route.method} ${route.route.path}`, () => {
      it('a session after logout → 401', async (t) => {
        if (!mounted.get(route.name)) t.skip('not mounted');
        expect((await call(route, tokens.loggedOut, cookieFor(route))).status).toBe(401);
      });

      if (takesSession(route)) {
        for (const role of ['viewer', 'editor', 'admin'] as const) {
          const allowed = a.scope === null || hasScope(scopesForRole(role), a.scope);
          it(`${role} → ${allowed ? 'passes authorization' : '403 INSUFFICIENT_SCOPE'}`, async (t) => {
            if (!mounted.get(route.name)) t.skip('not mounted');
            const res = await call(route, await tokenFor(role, route), cookieFor(route));
            if (allowed) expect(AUTH_FAILURES.has(res.body?.code), `${res.status} ${res.body?.code}`).toBe(false);
            else expect(res.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', details: { requiredScope: a.scope } });
          });
        }
        if (a.organization !== 'none') {
          it('a non-member → 403 NOT_ORGANIZATION_MEMBER', async (t) => {
            if (!mounted.get(route.name)) t.skip('not mounted');
            const res = await call(route, await tokenFor('outsider', route), cookieFor(route));
            expect([res.status, res.body?.code]).toEqual([403, 'NOT_ORGANIZATION_MEMBER']);
          });
        }
        if (a.organization === 'context') {
          it('no :orgId and no cookie → 400 ORGANIZATION_CONTEXT_REQUIRED', async (t) => {
            if (!mounted.get(route.name)) t.skip('not mounted');
            const res = await call(route, tokens.admin);
            expect([res.status, res.body?.code]).toEqual([400, 'ORGANIZATION_CONTEXT_REQUIRED']);
          });
        }
        it('X-Organization-ID with a session → 400', async (t) => {
          if (!mounted.get(route.name)) t.skip('not mounted');
          const res = await call(route, tokens.admin, { ...cookieFor(route), 'X-Organization-ID': orgA });
          expect([res.status, res.body?.code]).toEqual([400, 'ORGANIZATION_HEADER_NOT_ALLOWED']);
        });
      }

      if (!takesSession(route) && takesGlobalAdmin(route)) {
        it('a session that is not a global admin → 403 GLOBAL_ADMIN_REQUIRED', async (t) => {
          if (!mounted.get(route.name)) t.skip('not mounted');
          const res = await call(route, tokens.admin);
          expect([res.status, res.body?.code]).toEqual([403, 'GLOBAL_ADMIN_REQUIRED']);
        });
      }

      if (takesGlobalAdmin(route)) {
        it('a global admin passes authorization in any organization', async (t) => {
          if (!mounted.get(route.name)) t.skip('not mounted');
          const res = await call(route, await tokenFor('global', route), cookieFor(route));
          expect(AUTH_FAILURES.has(res.body?.code), `${res.status} ${res.body?.code}`).toBe(false);
        });
      }

      if (!a.credentials.includes('systemKey') && !a.credentials.includes('portalSession') && a.organization !== 'none') {
        it('a system key → 403 ORGANIZATION_SCOPED_ROUTE', async (t) => {
          if (!mounted.get(route.name)) t.skip('not mounted');
          const res = await call(route, tokens.system, cookieFor(route));
          expect([res.status, res.body?.code]).toEqual([403, 'ORGANIZATION_SCOPED_ROUTE']);
        });
      }
    });
  }
});
