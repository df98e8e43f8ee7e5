import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';
import { sleep, waitFor } from './support/instances.js';
import { redisSkipReason, startThrowawayRedis, type ThrowawayRedis } from './support/throwaway-redis.js';

// SPEC §7.3 + §7.4: a Redis that hangs (SIGSTOP: connections accepted, nothing ever answered,
// nothing closed) under a server with REDIS_URL. Every request is still answered, none with a
// 5xx, each within a generous bound of REDIS_TIMEOUT_MS; /health/ready stays 200 and says the
// store is unreachable; limits still count (in memory); when Redis answers again, the server
// goes back to it by itself. Limits do not depend on the database: SQLite only.
const skip = redisSkipReason();
if (skip) console.log(`[faults-redis-hung] skipped: ${skip}`);

const REDIS_TIMEOUT_MS = 500;

describe.skipIf(skip !== null)('a hung Redis', () => {
  let redis: ThrowawayRedis;
  let server: TestServer;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    server = await startTestServer({
      dialect: 'sqlite',
      env: {
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `hung-${randomBytes(4).toString('hex')}`,
        REDIS_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
        RATE_LIMIT_PER_MINUTE: '40',
        RATE_LIMIT_PER_5_MINUTES: '',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.destroy();
  });

  it('requests are answered without 5xx in bounded time, limits count in memory, and Redis is used again after', async () => {
    const orgId = await server.createOrganization();
    const { token } = await server.createOrgKey(orgId, ['invoice:read']);
    const { token: other } = await server.createOrgKey(orgId, ['invoice:read']);
    const whoami = (t: string) => server.request('GET', '/api/v1/auth/whoami', { token: t });
    expect((await whoami(token)).status).toBe(200);

    redis.pause();
    const statuses: number[] = [];
    let slowest = 0;
    // Concurrent and sequential requests while Redis hangs, the first ones before the server knows.
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const batch = await Promise.all([whoami(token), whoami(token), whoami('sk_not-a-key'), server.request('GET', '/health/ready')]);
      slowest = Math.max(slowest, performance.now() - started);
      statuses.push(...batch.map((r) => r.status));
      await sleep(200);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    // Bounded: a few REDIS_TIMEOUT_MS at most, never a hang (generous for a loaded machine).
    expect(slowest).toBeLessThan(REDIS_TIMEOUT_MS * 2 + 8000);
    await waitFor(
      'the server to see Redis unreachable',
      async () => (await server.request('GET', '/health/ready')).body?.rateLimits?.status === 'unreachable',
      15_000,
      100,
    );
    const ready = await server.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    // Limits still hold while Redis hangs (the in-memory insurance counts).
    const during = [];
    for (let i = 0; i < 45; i++) during.push((await whoami(other)).status);
    expect(during.filter((s) => s >= 500)).toEqual([]);
    expect(during).toContain(429);

    redis.resume();
    await waitFor(
      'the server back on Redis',
      async () => (await server.request('GET', '/health/ready')).body?.rateLimits?.status === 'ok',
      20_000,
      100,
    );
    const { token: fresh } = await server.createOrgKey(orgId, ['invoice:read']);
    expect((await whoami(fresh)).status).toBe(200);
  }, 120_000);
});
