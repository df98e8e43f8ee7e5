import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { type LimitStore, type LimitStoreStatus, memoryLimiter } from './limit-store.js';

export interface RedisLimitStoreOptions {
  /** `redis://` or `rediss://` URL (REDIS_URL). Never logged: logs name its host and port only. */
  url: string;
  /**
   * Starts every key, so several deployments can share one Redis (REDIS_KEY_PREFIX).
   * @default 'payment-gateway' (set by configuration)
   */
  keyPrefix: string;
  /**
   * Longest wait for connecting and for one command, in milliseconds (REDIS_TIMEOUT_MS): past
   * it the request is counted by the in-memory insurance limiter instead.
   */
  timeoutMs: number;
  /** Where the outage and the recovery are logged, once each. */
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** How often an idle-looking connection is proven alive with PING, in milliseconds. @default 1000 */
  pingIntervalMs?: number;
}

/**
 * Limits shared by every instance through Redis (SPEC §7.3): each limiter is rate-limiter-
 * flexible's RateLimiterRedis with an in-memory insurance limiter of the same limit.
 *
 * A dead or silent Redis never stalls or fails a request, and never ends the process:
 * - the offline queue is off and `rejectIfRedisNotReady` is on, so while the connection is not
 *   ready every operation goes to the insurance limiter at once (limits are then per instance);
 * - connecting and every command are bounded by `timeoutMs`; a command that times out falls
 *   back too;
 * - a connection that stops answering without closing (a silent partition) is caught by a
 *   PING every `pingIntervalMs` and dropped, so later requests stop waiting on it;
 * - the client reconnects by itself (backoff up to 1 s); every 'error' event has a listener.
 * The outage is logged once (warn) and the recovery once (info), like the first connection
 * (info). ioredis is loaded only here, when REDIS_URL is set.
 */
export async function createRedisLimitStore(o: RedisLimitStoreOptions): Promise<LimitStore> {
  const { Redis } = await import('ioredis');
  const target = describeTarget(o.url);
  const password = safePassword(o.url);
  const scrub = (message: string) => (password ? message.replaceAll(password, '[redacted]') : message);
  const client: Redis = new Redis(o.url, {
    connectTimeout: o.timeoutMs,
    commandTimeout: o.timeoutMs,
    enableOfflineQueue: false,
    // Commands in flight when the connection drops fail at once (the insurance limiter counts them).
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 1000),
    lazyConnect: true,
  });

  let state: 'starting' | 'ok' | 'unreachable' = 'starting';
  let closing = false;
  const down = (reason: string) => {
    if (closing || state === 'unreachable') return;
    state = 'unreachable';
    o.logger.warn(
      { redis: target, err: scrub(reason) },
      'Redis unreachable: rate limits are counted per instance until it is back (SPEC §7.3)',
    );
  };
  const up = () => {
    if (closing || state === 'ok') return;
    const recovered = state === 'unreachable';
    state = 'ok';
    if (recovered) o.logger.info({ redis: target }, 'Redis reachable again: rate limits are shared again');
    else o.logger.info({ redis: target, keyPrefix: o.keyPrefix }, 'rate limits are shared on Redis');
  };
  client.on('error', (err: Error) => down(err.message));
  client.on('close', () => down('connection closed'));
  client.on('ready', up);

  // Start serving either way: with Redis as soon as it is ready, on insurance limiters if it is not.
  await Promise.race([
    client.connect().catch((err: Error) => down(err.message)),
    new Promise<void>((resolve) => setTimeout(resolve, o.timeoutMs * 2).unref()),
  ]);
  if (state === 'starting') down(`not ready within ${o.timeoutMs * 2} ms`);

  let pinging = false;
  const ping = setInterval(() => {
    if (pinging || client.status !== 'ready') return;
    pinging = true;
    client
      .ping()
      .catch((err: Error) => {
        down(err.message);
        // A connection that no longer answers would make every request wait for the timeout.
        client.disconnect(true);
      })
      .finally(() => {
        pinging = false;
      });
  }, o.pingIntervalMs ?? 1000);
  ping.unref();

  return {
    kind: 'redis',
    limiter: (l) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${o.keyPrefix}:${l.name}`,
        points: l.points,
        duration: l.durationSeconds,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryLimiter(l),
      }),
    status: (): LimitStoreStatus => ({ store: 'redis', status: state === 'ok' && client.status === 'ready' ? 'ok' : 'unreachable' }),
    close: async () => {
      closing = true;
      clearInterval(ping);
      await Promise.race([client.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, o.timeoutMs).unref())]);
      client.disconnect();
    },
  };
}

/** `host:port/db` of a Redis URL, without user or password, for logs. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    const db = u.pathname.replace(/^\//, '');
    return `${u.hostname}:${u.port || '6379'}${db ? `/${db}` : ''}`;
  } catch {
    return 'redis';
  }
}

/** The URL's password (decoded), to scrub it from error messages should a client ever echo it. */
function safePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
