import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors/app-error.js';
import { createRedisLimitStore } from '../src/limits/redis-limit-store.js';
import { RateLimits } from '../src/limits/rate-limit.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { redisSkipReason, sharedRedis, startThrowawayRedis, type ThrowawayRedis } from './support/throwaway-redis.js';
import { waitFor } from './support/instances.js';

// SPEC §7.3: limits on Redis (rate-limiter-flexible's RateLimiterRedis with an in-memory
// insurance limiter). Several RateLimits on one Redis stand for several instances here; the
// three-process proof is multi-instance-limits.test.ts. Faults are real: the redis-server
// process is killed, or a TCP proxy stops forwarding.
const skip = redisSkipReason();
if (skip) console.log(`[redis-limit-store] skipped: ${skip}`);

interface LogLine {
  level: 'warn' | 'info';
  msg: string;
  obj: object;
}

function recordingLogger() {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj }),
    info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj }),
    outages: () => lines.filter((l) => l.msg.startsWith('Redis unreachable')).length,
    recoveries: () => lines.filter((l) => l.msg.startsWith('Redis reachable again')).length,
  };
}

async function limitsOn(
  url: string,
  o: { prefix?: string; perMinute?: number; timeoutMs?: number; logger?: ReturnType<typeof recordingLogger> } = {},
) {
  const logger = o.logger ?? recordingLogger();
  const store = await createRedisLimitStore({
    url,
    keyPrefix: o.prefix ?? 'store-test',
    timeoutMs: o.timeoutMs ?? 2000,
    logger,
    pingIntervalMs: 100,
  });
  return { limits: new RateLimits({ perMinute: o.perMinute ?? 10, per5Minutes: 1000, authFailuresPerMinute: 5, store }), logger };
}

/** How many of `n` requests, spread round-robin over `limits`, were let through. */
async function allowed(all: RateLimits[], credential: string, n: number): Promise<number> {
  const outcomes = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      all[i % all.length]!.consumeCredential(credential).then(
        () => 'ok' as const,
        (err: unknown) => {
          if (err instanceof AppError && err.code === 'RATE_LIMITED') return 'limited' as const;
          throw err;
        },
      ),
    ),
  );
  return outcomes.filter((o) => o === 'ok').length;
}

let unique = 0;
const credential = () => `key_${Date.now().toString(36)}_${unique++}`;

describe.skipIf(skip !== null)('limits on Redis', () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await startThrowawayRedis();
  });
  afterAll(async () => redis?.destroy());

  it('instances on one Redis and prefix share each limit; another prefix is another deployment', async () => {
    // The runner's Redis (TEST_REDIS_URL) where there is one, shared with other suites: own prefixes.
    const shared = await sharedRedis();
    const prefix = `store-${Date.now().toString(36)}-${unique++}`;
    const a = await limitsOn(shared.url, { prefix });
    const b = await limitsOn(shared.url, { prefix });
    const other = await limitsOn(shared.url, { prefix: `${prefix}-other-deployment` });
    try {
      const key = credential();
      expect(await allowed([a.limits, b.limits], key, 25)).toBe(10);
      expect(await allowed([other.limits], key, 12)).toBe(10);
      const refused = await a.limits.consumeCredential(key).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect((refused as AppError).code).toBe('RATE_LIMITED');
      expect(Number((refused as AppError).headers?.['Retry-After'])).toBeGreaterThan(0);
      expect(Number((refused as AppError).headers?.['Retry-After'])).toBeLessThanOrEqual(60);

      const ip = '203.0.113.9';
      for (let i = 0; i < 5; i++) await (i % 2 ? a : b).limits.recordAuthFailure(ip);
      await expect(b.limits.assertIpNotBlocked(ip)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      await expect(a.limits.assertIpNotBlocked('::ffff:203.0.113.9')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      await expect(other.limits.assertIpNotBlocked(ip)).resolves.toBeUndefined();
      for (const l of [a, b, other]) expect(l.limits.status()).toEqual({ store: 'redis', status: 'ok' });
      for (const l of [a, b, other]) expect(l.logger.lines.map((x) => x.msg)).toEqual(['rate limits are shared on Redis']);
    } finally {
      await Promise.all([a.limits.close(), b.limits.close(), other.limits.close()]);
      await shared.release();
    }
  });

  it('Redis killed: each instance counts alone, logs it once; shared again once Redis is back, logged once', async () => {
    const a = await limitsOn(redis.url);
    const b = await limitsOn(redis.url);
    try {
      const before = credential();
      expect(await allowed([a.limits, b.limits], before, 4)).toBe(4);
      await redis.kill();
      await waitFor(
        'both to see Redis gone',
        async () => a.limits.status().status === 'unreachable' && b.limits.status().status === 'unreachable',
      );
      // Per instance: each allows the whole limit on its own insurance limiter, and no more.
      const during = credential();
      expect(await allowed([a.limits, b.limits], during, 30)).toBe(20);
      await expect(a.limits.consumeCredential(credential())).resolves.toBeUndefined();
      await a.limits.recordAuthFailure('198.51.100.1');
      await expect(a.limits.assertIpNotBlocked('198.51.100.1')).resolves.toBeUndefined();

      await redis.start();
      await waitFor('both to be back on Redis', async () => a.limits.status().status === 'ok' && b.limits.status().status === 'ok', 15_000);
      expect(await allowed([a.limits, b.limits], credential(), 25)).toBe(10);
      for (const l of [a, b]) {
        expect(l.logger.outages()).toBe(1);
        expect(l.logger.recoveries()).toBe(1);
        expect(JSON.stringify(l.logger.lines)).toContain(`127.0.0.1:${redis.port}`);
      }
    } finally {
      await Promise.all([a.limits.close(), b.limits.close()]);
    }
  });

  it('a silent Redis (packets dropped, nothing closed) delays a request by the timeout at most, then not at all', async () => {
    const proxy: TcpProxy = await startTcpProxy(redis.url);
    const a = await limitsOn(proxy.url, { timeoutMs: 300 });
    try {
      const key = credential();
      expect(await allowed([a.limits], key, 3)).toBe(3);
      proxy.blackhole();
      const started = performance.now();
      await expect(a.limits.consumeCredential(key)).resolves.toBeUndefined();
      // Generous bound (shared machine): the command timeout is 300 ms, a stall would be endless.
      expect(performance.now() - started).toBeLessThan(5000);
      await waitFor('the PING to notice', async () => a.limits.status().status === 'unreachable');
      const next = performance.now();
      // The request that timed out was counted by the insurance limiter: 9 of its 10 are left.
      expect(await allowed([a.limits], key, 12)).toBe(9);
      expect(performance.now() - next).toBeLessThan(5000);
      expect(a.logger.outages()).toBe(1);
      proxy.heal();
      await waitFor('Redis back', async () => a.limits.status().status === 'ok', 15_000);
      expect(a.logger.recoveries()).toBe(1);
    } finally {
      await a.limits.close();
      await proxy.close();
    }
  });

  it('an instance starts when Redis is down, serves on its insurance limiters, and uses Redis once it is up', async () => {
    const own = await startThrowawayRedis();
    await own.kill();
    const started = performance.now();
    const logger = recordingLogger();
    const a = await limitsOn(own.url, { timeoutMs: 300, logger });
    try {
      expect(performance.now() - started).toBeLessThan(5000);
      expect(a.limits.status()).toEqual({ store: 'redis', status: 'unreachable' });
      expect(await allowed([a.limits], credential(), 12)).toBe(10);
      expect(logger.outages()).toBe(1);
      await own.start();
      await waitFor('Redis up', async () => a.limits.status().status === 'ok', 15_000);
      const b = await limitsOn(own.url);
      try {
        expect(await allowed([a.limits, b.limits], credential(), 14)).toBe(10);
      } finally {
        await b.limits.close();
      }
      expect(logger.recoveries()).toBe(1);
    } finally {
      await a.limits.close();
      await own.destroy();
    }
  });

  it('never logs the password of REDIS_URL', async () => {
    const logger = recordingLogger();
    const url = `redis://gateway:s3cret-Redis-Pass@127.0.0.1:${redis.port}`;
    const a = await limitsOn(url, { timeoutMs: 300, logger });
    try {
      // This Redis has no such user: the connection is refused at AUTH and retried.
      await waitFor('the outage log', async () => logger.outages() > 0);
      expect(a.limits.status().status).toBe('unreachable');
      await expect(a.limits.consumeCredential(credential())).resolves.toBeUndefined();
      expect(JSON.stringify(logger.lines)).not.toContain('s3cret-Redis-Pass');
    } finally {
      await a.limits.close();
    }
  });
});
