import { describe, expect, it } from 'vitest';
import { ERROR_DETAILS } from './error-details.js';
import { ERROR_CODES, ErrorBody, type ErrorCode } from './errors.js';
import { listRoutes } from './index.js';
import { errorCodesByStatus } from './route-errors.js';

const routes = listRoutes();
const byName = (name: string) => {
  const route = routes.find((r) => r.name === name);
  if (!route) throw new Error(`no route ${name}`);
  return route;
};
const codesOf = (name: string) => [...errorCodesByStatus(byName(name)).values()].flat();
const statusesOf = (name: string) => [...errorCodesByStatus(byName(name)).keys()];

describe('errorCodesByStatus: the codes each route can answer', () => {
  it('groups every code under its own status', () => {
    for (const route of routes) {
      for (const [status, codes] of errorCodesByStatus(route)) {
        expect(codes.length).toBeGreaterThan(0);
        for (const code of codes) expect(ERROR_CODES[code].status).toBe(status);
      }
    }
  });

  it('never lists auth codes on public routes', () => {
    for (const name of ['api.auth.login', 'api.auth.refreshToken', 'api.portal.consumeMagicLink', 'health.health']) {
      const codes = codesOf(name);
      for (const code of [
        'INSUFFICIENT_SCOPE',
        'MALFORMED_AUTHORIZATION',
        'API_KEY_REVOKED',
        'ORGANIZATION_MISMATCH',
        'IP_NOT_ALLOWED',
      ] as const) {
        expect(codes, `${name} ${code}`).not.toContain(code);
      }
    }
  });

  it('gives refresh its cookie failure, login its wrong-password failure, and the magic link its own', () => {
    expect(codesOf('api.portal.consumeMagicLink')).toContain('MAGIC_LINK_INVALID');
    expect(codesOf('api.auth.login')).not.toContain('MAGIC_LINK_INVALID');
    expect(codesOf('api.auth.refreshToken')).toContain('REFRESH_TOKEN_INVALID');
    expect(codesOf('api.auth.refreshToken')).not.toContain('INVALID_CREDENTIALS');
    expect(codesOf('api.auth.login')).toContain('INVALID_CREDENTIALS');
    expect(codesOf('api.auth.login')).not.toContain('REFRESH_TOKEN_INVALID');
  });

  it('lists 404 only where a path has parameters or the body names another resource', () => {
    for (const route of routes) {
      const has404 = errorCodesByStatus(route).has(404);
      const pathParams = route.route.path.includes(':');
      const bodyShape = (('body' in route.route ? route.route.body : undefined) as { shape?: object } | undefined)?.shape ?? {};
      expect(has404, route.name).toBe(pathParams || 'clientId' in bodyShape);
    }
    expect(statusesOf('api.clients.list')).not.toContain(404);
    expect(statusesOf('api.orgApiKeys.get')).toContain(404);
  });

  it('lists scope codes only where a scope is required, and key-policy codes only on key bodies', () => {
    expect(codesOf('api.auth.whoami')).not.toContain('INSUFFICIENT_SCOPE');
    expect(codesOf('api.orgApiKeys.list')).toContain('INSUFFICIENT_SCOPE');
    expect(codesOf('api.orgApiKeys.create')).toEqual(
      expect.arrayContaining(['UNKNOWN_SCOPE', 'SYSTEM_SCOPE_NOT_ALLOWED', 'SCOPE_ESCALATION']),
    );
    expect(codesOf('api.systemApiKeys.create')).not.toContain('SYSTEM_SCOPE_NOT_ALLOWED');
    expect(codesOf('api.orgApiKeys.rotate')).toEqual(expect.arrayContaining(['INVALID_GRACE_PERIOD', 'SCOPE_ESCALATION', 'INVALID_STATE']));
    expect(codesOf('api.clients.list')).not.toContain('UNKNOWN_SCOPE');
  });

  it('lists organization codes only where an organization is resolved', () => {
    expect(codesOf('api.orgApiKeys.list')).toContain('ORGANIZATION_MISMATCH');
    expect(codesOf('api.clients.list')).toEqual(expect.arrayContaining(['ORGANIZATION_CONTEXT_REQUIRED', 'ORGANIZATION_SCOPED_ROUTE']));
    expect(codesOf('api.orgApiKeys.list')).not.toContain('ORGANIZATION_CONTEXT_REQUIRED');
    expect(codesOf('api.auth.whoami')).not.toContain('ORGANIZATION_MISMATCH');
    expect(codesOf('api.systemApiKeys.list')).toContain('GLOBAL_ADMIN_REQUIRED');
    expect(codesOf('api.orgApiKeys.list')).not.toContain('GLOBAL_ADMIN_REQUIRED');
  });

  it('answers 503 on every route that needs the database, but not on the liveness probe', () => {
    expect(statusesOf('health.health')).not.toContain(503);
    expect(statusesOf('api.clients.list')).toContain(503);
    // Deep health answers 503 with its own body, not the error body.
    expect(codesOf('api.system.health')).not.toContain('SERVICE_UNAVAILABLE');
  });

  it('documents a code it has no rule for wherever the contract declares its status (new codes flow in)', () => {
    // PAYLOAD_TOO_LARGE has no rule; the import codes of the same status have theirs (their routes only).
    const route = byName('api.orgApiKeys.list');
    const fake = { ...route, route: { ...route.route, responses: { ...route.route.responses, 413: ErrorBody } } };
    expect(errorCodesByStatus(fake).get(413)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('keeps route-specific codes on their routes: portal policy on magic links, import limits on imports', () => {
    expect(codesOf('api.portalLinks.createMagicLink')).toEqual(
      expect.arrayContaining(['PORTAL_DISABLED', 'MAGIC_LINKS_DISABLED', 'ORGANIZATION_PORTAL_DISABLED', 'PORTAL_NOTHING_TO_SHOW']),
    );
    expect(codesOf('api.dataIo.import')).toEqual(
      expect.arrayContaining(['IMPORT_ROWS_INVALID', 'IMPORT_TOO_LARGE', 'IMPORT_TOO_MANY_ROWS', 'CONFLICT']),
    );
    expect(codesOf('api.dataIo.import')).not.toContain('PORTAL_DISABLED');
    expect(codesOf('api.dataIo.validateImport')).not.toContain('IMPORT_ROWS_INVALID');
    expect(codesOf('api.dataIo.export')).not.toContain('IMPORT_TOO_LARGE');
    expect(codesOf('api.system.processRecurring')).toContain('RECURRING_RUN_IN_PROGRESS');
    expect(codesOf('api.system.processRecurring')).not.toContain('CONFLICT');
  });
});

describe('ERROR_DETAILS', () => {
  it('describes the details of codes that exist', () => {
    for (const code of Object.keys(ERROR_DETAILS)) expect(ERROR_CODES[code as ErrorCode]).toBeDefined();
  });

  it('accepts what the server sends', () => {
    expect(ERROR_DETAILS.INSUFFICIENT_SCOPE.parse({ requiredScope: 'api_key:read' })).toEqual({ requiredScope: 'api_key:read' });
    expect(ERROR_DETAILS.VALIDATION_FAILED.safeParse({ issues: [] }).success).toBe(false);
    expect(ERROR_DETAILS.RATE_LIMITED.parse({ retryAfterSeconds: 3 })).toEqual({ retryAfterSeconds: 3 });
  });
});

describe('route cookies', () => {
  it('declares the refresh cookie on login (sets), refresh (reads, required) and logout (clears)', () => {
    expect(byName('api.auth.login').metadata.cookies.sets).toEqual(['refresh']);
    expect(byName('api.auth.refreshToken').metadata.cookies.reads).toEqual([{ cookie: 'refresh', required: true }]);
    expect(byName('api.auth.logout').metadata.cookies.clears).toEqual(['refresh']);
  });

  it('declares selectedOrganization on every session route whose organization comes from the context', () => {
    for (const { name, metadata } of routes) {
      const reads = (metadata.cookies.reads ?? []).some((r) => r.cookie === 'selectedOrganization');
      const context = metadata.auth.organization === 'context' && metadata.auth.credentials.includes('session');
      expect(reads, name).toBe(context || name === 'api.auth.whoami');
    }
  });
});
