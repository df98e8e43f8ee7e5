import { createMemoryLimitStore, type LimitStore } from './limit-store.js';
import { createRedisLimitStore, type RedisLimitStoreOptions } from './redis-limit-store.js';

export interface OpenLimitStoreOptions {
  /** REDIS_URL; unset means limits in this process's memory. */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX. */
  redisKeyPrefix: string;
  /** REDIS_TIMEOUT_MS. */
  redisTimeoutMs: number;
  logger: RedisLimitStoreOptions['logger'];
}

/**
 * The store of every limit of this instance (SPEC §7.3): Redis when REDIS_URL is set (shared by
 * all instances, per instance while Redis is unreachable), otherwise memory. Never fails for an
 * unreachable Redis: the instance starts on its insurance limiters and logs it.
 */
export async function openLimitStore(o: OpenLimitStoreOptions): Promise<LimitStore> {
  if (!o.redisUrl) return createMemoryLimitStore();
  return createRedisLimitStore({ url: o.redisUrl, keyPrefix: o.redisKeyPrefix, timeoutMs: o.redisTimeoutMs, logger: o.logger });
}
