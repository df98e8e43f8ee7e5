import { listRoutes } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { describeAuthMatrix, KEY_AUTH_CASES, requestFor } from './auth-matrix.js';
import { DIALECTS, startTestServer } from './harness.js';

describe.each(DIALECTS)('auth matrix from the contract (%s)', (dialect) => {
  describeAuthMatrix(dialect);
});

describe('auth matrix coverage', () => {
  it('covers every route that takes a credential with at least the generic cases', () => {
    const routes = listRoutes().filter((r) => r.metadata.auth.credentials.length > 0);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const applicable = KEY_AUTH_CASES.filter((c) => c.applies(route)).map((c) => c.name);
      expect(applicable.length, route.name).toBeGreaterThanOrEqual(7);
    }
  });
});

describe('the server mounts the whole contract', () => {
  it('answers every route of the contract (no route is left to ROUTE_NOT_FOUND)', async () => {
    const server = await startTestServer();
    try {
      const orgId = await server.createOrganization();
      const unmounted: string[] = [];
      for (const route of listRoutes()) {
        const r = requestFor(route, orgId, 'org_doesnotexist00000000');
        const res = await server.request(r.method, r.path, { body: r.body });
        if (res.status === 404 && res.body?.code === 'ROUTE_NOT_FOUND') unmounted.push(`${route.route.method} ${route.route.path}`);
      }
      expect(unmounted).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
