import { listRoutes } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { describeAuthMatrix, KEY_AUTH_CASES } from './auth-matrix.js';
import { DIALECTS } from './harness.js';

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
