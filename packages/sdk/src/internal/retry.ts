import { parseRetryAfter } from '../errors.js';

/** Methods that may be repeated safely; POST and PATCH are never retried. */
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
export const isIdempotent = (method: string): boolean => IDEMPOTENT_METHODS.has(method.toUpperCase());

export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 8_000;
/** A longer `Retry-After` is not waited for inside a call: the RateLimitError is thrown at once. */
export const MAX_RETRY_AFTER_SECONDS = 60;

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * A call that carries an Idempotency-Key may also be retried when the server says its first
 * attempt is still running (409 IDEMPOTENCY_KEY_IN_PROGRESS): the retry gets that attempt's answer.
 */
export function isRetryableIdempotentAnswer(status: number, body: unknown): boolean {
  return (
    isRetryableStatus(status) ||
    (status === 409 && typeof body === 'object' && body !== null && (body as { code?: unknown }).code === 'IDEMPOTENCY_KEY_IN_PROGRESS')
  );
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, initial · 2^attempt)). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, INITIAL_RETRY_DELAY_MS * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before retrying a response, or `undefined` when it must not be retried:
 * the server's `Retry-After` when present (up to 60 s), otherwise backoff.
 */
export function responseRetryDelay(attempt: number, headers: Headers): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  if (retryAfter === undefined) return backoffDelay(attempt);
  return retryAfter <= MAX_RETRY_AFTER_SECONDS ? retryAfter * 1000 : undefined;
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
