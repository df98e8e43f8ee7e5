import { type RateLimiterAbstract, RateLimiterMemory } from 'rate-limiter-flexible';

/** One limit: `points` per window of `durationSeconds`, counted per key. */
export interface LimiterOptions {
  /**
   * Names the limit in the store's keys (`<prefix>:<name>:<key>` in Redis), so limits of one
   * deployment never share a counter. Lowercase letters, digits and dashes.
   * @example 'credential-minute'
   */
  name: string;
  /** What the window allows (requests, failures). */
  points: number;
  /** Length of the fixed window that starts with a key's first point, in seconds. */
  durationSeconds: number;
}

/**
 * Where limits are counted (SPEC §7.3): `memory` (this process only; the default) or `redis`
 * (shared by every instance on the same Redis and key prefix).
 */
export type LimitStoreKind = 'memory' | 'redis';

/**
 * The state of a limit store for health reports: `ok` while limits are counted where they
 * should be; `unreachable` while a Redis store counts in this process's insurance limiters.
 */
export interface LimitStoreStatus {
  store: LimitStoreKind;
  status: 'ok' | 'unreachable';
}

/** Builds limiters on one store; every limit of an instance lives on the same store. */
export interface LimitStore {
  readonly kind: LimitStoreKind;
  /** A rate-limiter-flexible limiter for one limit (consume, penalty, get, delete). */
  limiter(o: LimiterOptions): RateLimiterAbstract;
  status(): LimitStoreStatus;
  /** Releases connections and timers; limiters must not be used afterwards. */
  close(): Promise<void>;
}

/** Limits in this process's memory (no REDIS_URL): with N instances a limit allows up to N× (SPEC §7.3). */
export function createMemoryLimitStore(): LimitStore {
  return {
    kind: 'memory',
    limiter: (o) => memoryLimiter(o),
    status: () => ({ store: 'memory', status: 'ok' }),
    close: async () => {},
  };
}

/** The in-memory limiter of one limit: the whole store without Redis, the insurance limiter with it. */
export function memoryLimiter(o: LimiterOptions): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: o.name, points: o.points, duration: o.durationSeconds });
}
