import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type HttpResult, startTestServer, type TestServer } from './harness.js';
import { waitFor } from './support/instances.js';
import { redisSkipReason, sharedRedis, startThrowawayRedis } from './support/throwaway-redis.js';

// SPEC §7.3 over HTTP, on both databases: with REDIS_URL the limits answer exactly as without it
// (429 RATE_LIMITED, Retry-After, the one error body), the health routes say where limits are
// counted, and a Redis killed under the server degrades limits without failing a request.
const skip = redisSkipReason();
if (skip) console.log(`[limits-redis-http] skipped: ${skip}`);

function expectRateLimited(res: HttpResult) {
  expect(res.status).toBe(429);
  expect(Object.keys(res.body).sort()).toEqual(['code', 'details', 'error', 'requestId']);
  expect(res.body.code).toBe('RATE_LIMITED');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.details).toEqual({ retryAfterSeconds: retryAfter });
}

/** A server on `redisUrl` with the documented limits; its own key prefix, as suites share the runner's Redis. */
const serverOn = (dialect: 'sqlite' | 'postgres', redisUrl: string) =>
  startTestServer({
    dialect,
    env: {
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `http-${dialect}-${randomBytes(4).toString('hex')}`,
      // Empty = unset: the documented 100 per minute and 500 per 5 minutes.
      RATE_LIMIT_PER_MINUTE: '',
      RATE_LIMIT_PER_5_MINUTES: '',
      REDIS_TIMEOUT_MS: '2000',
    },
  });

describe.skipIf(skip !== null).each(DIALECTS)('limits on Redis over HTTP (%s)', (dialect) => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let server: TestServer;
  let orgId: string;

  beforeAll(async () => {
    // The runner's Redis (TEST_REDIS_URL) where there is one.
    redis = await sharedRedis();
    server = await serverOn(dialect, redis.url);
    orgId = await server.createOrganization();
  });
  afterAll(async () => {
    await server?.close();
    await redis?.release();
  });

  const whoami = (token: string, on = server) => on.request('GET', '/api/v1/auth/whoami', { token });

  it('the 101st request of a key in a minute gets 429 RATE_LIMITED with Retry-After and the error body', async () => {
    const { token } = await server.createOrgKey(orgId, ['invoice:read']);
    for (let i = 0; i < 100; i++) expect((await whoami(token)).status).toBe(200);
    expectRateLimited(await whoami(token));
  }, 120_000);

  it('the health routes report the Redis store', async () => {
    const ready = await server.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', rateLimits: { store: 'redis', status: 'ok' } });
    const { token } = await server.createSystemKey(['system:read']);
    const deep = await server.request('GET', '/api/v1/system/health', { token });
    expect(deep.status).toBe(200);
    expect(deep.body).toMatchObject({ status: 'ok', rateLimits: { store: 'redis', status: 'ok' } });
  }, 120_000);

  it('Redis killed: requests are served and limited in memory, the health routes say so; back to Redis after', async () => {
    // A Redis and a server of this test's own: the runner's Redis stays up for the other suites.
    const redis = await startThrowawayRedis();
    const server = await serverOn(dialect, redis.url);
    try {
      await killedUnder(server, redis);
    } finally {
      await server.close();
      await redis.destroy();
    }
  }, 120_000);

  async function killedUnder(server: TestServer, redis: Awaited<ReturnType<typeof startThrowawayRedis>>) {
    const orgId = await server.createOrganization();
    const whoami = (token: string) => server.request('GET', '/api/v1/auth/whoami', { token });
    const { token: admin } = await server.createSystemKey(['system:read']);
    const { token } = await server.createOrgKey(orgId, ['invoice:read']);
    await redis.kill();
    await waitFor(
      'the server to see Redis gone',
      async () => (await server.request('GET', '/health/ready')).body?.rateLimits?.status === 'unreachable',
    );
    const ready = await server.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', rateLimits: { store: 'redis', status: 'unreachable' } });
    const deep = await server.request('GET', '/api/v1/system/health', { token: admin });
    expect(deep.status).toBe(200);
    expect(deep.body).toMatchObject({ status: 'degraded', database: { status: 'ok' }, rateLimits: { status: 'unreachable' } });

    for (let i = 0; i < 100; i++) expect((await whoami(token)).status).toBe(200);
    expectRateLimited(await whoami(token));
    expect((await whoami('sk_not-a-key')).status).toBe(401);
    expect(
      (await server.request('POST', '/api/v1/auth/login', { body: { email: 'x@example.com', password: 'wrong password 1' } })).status,
    ).toBe(401);

    await redis.start();
    await waitFor(
      'the server back on Redis',
      async () => (await server.request('GET', '/health/ready')).body?.rateLimits?.status === 'ok',
      15_000,
    );
    // Redis came back empty: the key's window starts again there.
    expect((await whoami(token)).status).toBe(200);
    expect((await server.request('GET', '/api/v1/system/health', { token: admin })).body.status).toBe('ok');
  }
});
