import { describe, expect, it } from 'vitest';
import { CREDENTIAL_KINDS, API_PREFIX } from './common.js';
import { ErrorBody } from './errors.js';
import { listRoutes } from './index.js';
import { isScope, isSystemTierScope } from './scopes.js';

const routes = listRoutes();
const NULL_SCOPE_ROUTES = new Set(['api.auth.whoami', 'api.auth.loginCheck', 'api.auth.logout']);
const isPortalSessionRoute = (credentials: readonly string[]) => credentials.length > 0 && credentials.every((c) => c === 'portalSession');
const pathParamsOf = (path: string) => [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);

describe('listRoutes()', () => {
  it('finds every router', () => {
    expect(routes.length).toBeGreaterThan(40);
    for (const area of ['auth', 'orgApiKeys', 'systemApiKeys', 'organization', 'system', 'portalLinks', 'portal', 'clients', 'invoices']) {
      expect(
        routes.some((r) => r.name.startsWith(`api.${area}.`)),
        area,
      ).toBe(true);
    }
    expect(routes.some((r) => r.name === 'health.health')).toBe(true);
  });

  it('route names are unique (they become OpenAPI operationIds)', () => {
    const names = routes.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('method + path pairs are unique', () => {
    const keys = routes.map((r) => `${r.route.method} ${r.route.path}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe.each(routes.map((r) => [r.name, r] as const))('route %s', (name, { route, metadata }) => {
  it('declares tag, credentials, scope and organization', () => {
    expect(metadata, 'metadata').toBeTypeOf('object');
    expect(metadata.tag, 'tag').toMatch(/\S/);
    expect(metadata.auth, 'auth').toBeTypeOf('object');
    expect(Array.isArray(metadata.auth.credentials), 'credentials').toBe(true);
    expect('scope' in metadata.auth, 'scope').toBe(true);
    expect(['path', 'context', 'none'], 'organization').toContain(metadata.auth.organization);
    for (const kind of metadata.auth.credentials) expect(CREDENTIAL_KINDS, 'credential kind').toContain(kind);
    expect(route.summary, 'summary').toMatch(/\S/);
  });

  it('names a scope from the catalogue unless it is public, a session check or a portal-session route', () => {
    const { credentials, scope } = metadata.auth;
    if (scope !== null) {
      expect(isScope(scope), `scope ${scope}`).toBe(true);
      expect(scope.endsWith(':*'), 'a route requires one exact scope').toBe(false);
      return;
    }
    const exempt = credentials.length === 0 || NULL_SCOPE_ROUTES.has(name) || isPortalSessionRoute(credentials);
    expect(exempt, 'non-public route without a scope').toBe(true);
  });

  it('has :orgId in the path when its organization comes from the path', () => {
    if (metadata.auth.organization === 'path') expect(pathParamsOf(route.path)).toContain('orgId');
  });

  it('declares a schema for every path parameter', () => {
    const declared = route.pathParams ? Object.keys((route.pathParams as unknown as { shape: object }).shape).sort() : [];
    expect(declared).toEqual(pathParamsOf(route.path).sort());
  });

  it('accepts portal sessions only on portal routes, and nothing else there', () => {
    const { credentials } = metadata.auth;
    const isPortalPath = route.path.startsWith(`${API_PREFIX}/portal/`);
    if (credentials.includes('portalSession')) {
      expect(isPortalPath).toBe(true);
      expect(credentials).toEqual(['portalSession']);
    }
    if (isPortalPath && credentials.length > 0) expect(credentials).toEqual(['portalSession']);
  });

  it('keeps system-tier scopes away from organization credentials', () => {
    const { credentials, scope } = metadata.auth;
    if (scope && isSystemTierScope(scope)) {
      expect(credentials).not.toContain('organizationKey');
      expect(credentials).not.toContain('session');
    }
    if (metadata.auth.organization === 'context') expect(credentials).not.toContain('systemKey');
  });

  it('answers errors with the shared ErrorBody, and 401/403 on authenticated routes', () => {
    for (const [status, schema] of Object.entries(route.responses)) {
      if (Number(status) >= 400 && !(name === 'api.system.health' && status === '503')) {
        expect(schema, `response ${status}`).toBe(ErrorBody);
      }
    }
    if (metadata.auth.credentials.length > 0) {
      expect(route.responses).toHaveProperty('401');
      expect(route.responses).toHaveProperty('403');
    }
  });
});
