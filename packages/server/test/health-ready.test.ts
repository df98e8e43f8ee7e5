import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

// GET /health/ready (SPEC §7.4): readiness for load balancers, next to the shallow /health.
// The PostgreSQL fault suites (faults-*.test.ts) show it failing during partitions, resets
// and restarts; here: both databases, ready, then not ready once the database is gone.
describe.each(DIALECTS)('GET /health/ready (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { DATABASE_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => server?.close());

  it('answers 200 without a credential while the database and the change feed are fine', async () => {
    const res = await server.request('GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', rateLimits: { store: 'memory', status: 'ok' } });
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('answers 503 SERVICE_UNAVAILABLE with Retry-After, in time, once the database is unreachable; /health stays 200', async () => {
    await server.gateway.database.close();
    const started = performance.now();
    const res = await server.request('GET', '/health/ready');
    expect(performance.now() - started).toBeLessThan(1000 + 4000);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', requestId: expect.any(String), error: expect.any(String) });
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await server.request('GET', '/health')).status).toBe(200);
  });
});
