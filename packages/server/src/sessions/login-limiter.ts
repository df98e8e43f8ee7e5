import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../errors/app-error.js';
import type { RateLimits } from '../limits/rate-limit.js';

export interface LoginLimiterOptions {
  /** Failed logins per account (email, whether or not it exists) per window. @default 10 */
  failuresPerAccount?: number;
  /** @default 900 */
  windowSeconds?: number;
}

/**
 * Failed-login limits: per account, and per IP through the shared failed-authentication budget
 * of RateLimits. Counted on the same store as RateLimits (Redis with REDIS_URL, so shared by
 * every instance; otherwise this process's memory), SPEC §7.3. Keyed by the submitted email,
 * so the limit behaves the same for unknown emails and reveals nothing; the store sees a hash
 * of it, never the address.
 */
export class LoginLimiter {
  readonly #accounts: RateLimiterAbstract;
  readonly #points: number;

  constructor(
    private readonly limits: RateLimits,
    o: LoginLimiterOptions = {},
  ) {
    this.#points = o.failuresPerAccount ?? 10;
    this.#accounts = limits.limiter({ name: 'login-failures-account', points: this.#points, durationSeconds: o.windowSeconds ?? 900 });
  }

  /**
   * Refuses a sign-in before the password is even checked (SPEC §7.3).
   * @throws AppError RATE_LIMITED (429, `details.retryAfterSeconds` and a `Retry-After` header in seconds)
   *   when the account or the client IP has too many recent failures.
   */
  async assertAllowed(email: string, ip: string): Promise<void> {
    await this.limits.assertIpNotBlocked(ip);
    const res = await this.#accounts.get(accountKey(email));
    if (res && res.consumedPoints >= this.#points) {
      const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new AppError(
        'RATE_LIMITED',
        'Too many failed sign-in attempts; try again later.',
        { retryAfterSeconds: seconds },
        { 'Retry-After': String(seconds) },
      );
    }
  }

  /** Counts a failed sign-in against the account and the client IP. Never throws an AppError. */
  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([this.#accounts.penalty(accountKey(email), 1), this.limits.recordAuthFailure(ip)]);
  }

  /** Clears the account's failure count after a successful sign-in. */
  async recordSuccess(email: string): Promise<void> {
    await this.#accounts.delete(accountKey(email));
  }
}

/** The account's key in the limit store: a hash, so a shared Redis holds no email addresses. */
function accountKey(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}
