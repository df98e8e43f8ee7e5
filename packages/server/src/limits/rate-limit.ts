import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import { DEFAULT_IPV6_PREFIX_LENGTH, ipBucket } from './ip-bucket.js';

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
}

/**
 * In-memory limits per server instance (SPEC §7.3). They keep the verification hot path free
 * of database writes; with N instances behind a balancer the effective limit is up to N×.
 */
export class RateLimits {
  readonly #minute: RateLimiterMemory;
  readonly #fiveMinutes: RateLimiterMemory;
  readonly #authFailures: RateLimiterMemory;
  readonly #ipv6PrefixLength: number;

  constructor(o: RateLimitOptions) {
    this.#minute = new RateLimiterMemory({ points: o.perMinute, duration: 60 });
    this.#fiveMinutes = new RateLimiterMemory({ points: o.per5Minutes, duration: 300 });
    this.#authFailures = new RateLimiterMemory({ points: o.authFailuresPerMinute, duration: 60 });
    this.#ipv6PrefixLength = o.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  }

  /** Counts one request of a credential; throws RATE_LIMITED with Retry-After when over. */
  async consumeCredential(id: string): Promise<void> {
    await Promise.all([this.#minute.consume(id), this.#fiveMinutes.consume(id)]).catch((e: unknown) => {
      throw limited(e);
    });
  }

  /**
   * Throws RATE_LIMITED when this client address (normalised, see ipBucket) already failed
   * authentication too often.
   */
  async assertIpNotBlocked(ip: string): Promise<void> {
    const res = await this.#authFailures.get(ipBucket(ip, this.#ipv6PrefixLength));
    if (res && res.remainingPoints <= 0) throw limited(res);
  }

  /** Counts one failed authentication (key, session, sign-in, magic link) against the client's address bucket. */
  async recordAuthFailure(ip: string): Promise<void> {
    await this.#authFailures.penalty(ipBucket(ip, this.#ipv6PrefixLength), 1);
  }
}

function limited(e: unknown): AppError {
  if (e instanceof RateLimiterRes) {
    const seconds = Math.max(1, Math.ceil(e.msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', undefined, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
  }
  return e instanceof Error ? (e as AppError) : new AppError('INTERNAL_ERROR');
}
