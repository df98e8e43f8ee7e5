import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_IPV6_PREFIX_LENGTH, ipBucket } from './ip-bucket.js';
import { createMemoryLimitStore, type LimiterOptions, type LimitStore, type LimitStoreStatus } from './limit-store.js';

export interface RateLimitOptions {
  /** Requests per credential per minute. @default 100 */
  perMinute: number;
  /** Requests per credential per 5 minutes. @default 500 */
  per5Minutes: number;
  /** Failed authentications per IP per minute before that IP is refused. @default 30 */
  authFailuresPerMinute: number;
  /**
   * Per-IP limits count IPv6 clients by network of this many bits (IPv4-mapped IPv6 counts as
   * IPv4). Configured by RATE_LIMIT_IPV6_PREFIX. @default 64
   */
  ipv6PrefixLength?: number | undefined;
  /**
   * Where every limit is counted: Redis (shared by all instances, see redis-limit-store.ts) or
   * this process's memory. @default createMemoryLimitStore()
   */
  store?: LimitStore | undefined;
}

/**
 * The abuse limits of SPEC §7.3, never a database write on the verification hot path. With a
 * Redis store (REDIS_URL) every instance shares them, falling back to per-instance counting
 * while Redis is unreachable; with the memory store (the default) each instance counts alone,
 * so N instances behind a balancer allow up to N×.
 */
export class RateLimits {
  readonly #store: LimitStore;
  readonly #minute: RateLimiterAbstract;
  readonly #fiveMinutes: RateLimiterAbstract;
  readonly #authFailures: RateLimiterAbstract;
  readonly #ipv6PrefixLength: number;
  /** Address → bucket (ipBucket parses the address each time); bounded, cleared when full. */
  readonly #buckets = new Map<string, string>();

  constructor(o: RateLimitOptions) {
    this.#store = o.store ?? createMemoryLimitStore();
    this.#minute = this.#store.limiter({ name: 'credential-minute', points: o.perMinute, durationSeconds: 60 });
    this.#fiveMinutes = this.#store.limiter({ name: 'credential-5-minutes', points: o.per5Minutes, durationSeconds: 300 });
    this.#authFailures = this.#store.limiter({ name: 'auth-failures-ip', points: o.authFailuresPerMinute, durationSeconds: 60 });
    this.#ipv6PrefixLength = o.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  }

  /** Another limit on the same store as these (the per-account sign-in limit). */
  limiter(o: LimiterOptions): RateLimiterAbstract {
    return this.#store.limiter(o);
  }

  /** Where the limits are counted and whether that store is reachable (health reports). */
  status(): LimitStoreStatus {
    return this.#store.status();
  }

  /** Closes the store's connection (Redis); the limits must not be used afterwards. */
  close(): Promise<void> {
    return this.#store.close();
  }

  /**
   * Counts one request of a credential against both windows.
   * @throws AppError RATE_LIMITED (429, Retry-After) when either window is used up
   */
  async consumeCredential(id: string): Promise<void> {
    await Promise.all([this.#minute.consume(id), this.#fiveMinutes.consume(id)]).catch((e: unknown) => {
      throw limited(e);
    });
  }

  /**
   * Refuses a client address (normalised, see ipBucket) that already failed authentication too often.
   * @throws AppError RATE_LIMITED (429, Retry-After) when it did
   */
  async assertIpNotBlocked(ip: string): Promise<void> {
    const res = await this.#authFailures.get(this.#bucketOf(ip));
    if (res && res.remainingPoints <= 0) throw limited(res);
  }

  /** Counts one failed authentication (key, session, sign-in, magic link) against the client's address bucket. */
  async recordAuthFailure(ip: string): Promise<void> {
    await this.#authFailures.penalty(this.#bucketOf(ip), 1);
  }

  #bucketOf(ip: string): string {
    let bucket = this.#buckets.get(ip);
    if (bucket === undefined) {
      if (this.#buckets.size >= BUCKET_CACHE_MAX) this.#buckets.clear();
      bucket = ipBucket(ip, this.#ipv6PrefixLength);
      this.#buckets.set(ip, bucket);
    }
    return bucket;
  }
}

/** Client addresses whose bucket is remembered (a few hundred bytes each). */
const BUCKET_CACHE_MAX = 10_000;

function limited(e: unknown): AppError {
  if (e instanceof RateLimiterRes) {
    const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
  }
  return e instanceof Error ? (e as AppError) : new AppError('INTERNAL_ERROR');
}
