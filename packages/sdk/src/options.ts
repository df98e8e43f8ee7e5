import { PaymentGatewayConfigError } from './errors.js';
import { assertNoForbiddenHeaders, type HeadersLike } from './internal/headers.js';
import { emitWarning, type WarningHandler } from './warnings.js';

/** An API key, or a function that returns the current one (called before every request). */
export type ApiKeySource = string | (() => string | Promise<string>);

/** The `fetch` the SDK sends requests with. */
export type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;

export interface PaymentGatewayOptions {
  /**
   * The API key (`sk_<keyId>.<secret>`), or a sync/async function that returns it. A function is
   * called before every request (and every retry), so a rotated key is picked up without a
   * restart; its result is checked like a string key. A string key's format and checksum are
   * checked at construction, offline. The key is held privately and never logged or serialised.
   * @example apiKey: process.env.PAYMENT_GATEWAY_API_KEY
   * @example apiKey: async () => secrets.get('payment-gateway-key')
   * @example apiKey: async () => (await readFile('/run/secrets/payment-gateway-key', 'utf8')).replace(/\n$/, '')
   * (examples/key-sources.ts: file, environment and Vault readers with a cache that re-reads on a 401)
   */
  apiKey: ApiKeySource;
  /**
   * Origin of the gateway (scheme, host and port; any path prefix before `/api/v1`). The SDK
   * reads no environment variables, so it runs unchanged on Node, Bun, Deno and edge runtimes.
   * @default 'http://localhost:3000'
   * @example baseUrl: 'https://pay.example.com'
   */
  baseUrl?: string;
  /**
   * Milliseconds to wait for each attempt's response before failing with `TimeoutError`.
   * @default 60000
   */
  timeout?: number;
  /**
   * How many times an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS) is retried after a
   * connection error, a timeout, 429 or 5xx. POST and PATCH are never retried.
   * @default 2
   */
  maxRetries?: number;
  /**
   * A custom `fetch` implementation (e.g. to add tracing or a proxy agent).
   * @default globalThis.fetch
   */
  fetch?: Fetch;
  /**
   * Extra headers sent with every request. `X-Organization-ID` (any letter case) and
   * `Authorization` are refused with `PaymentGatewayConfigError`: the organization always comes
   * from the API key.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Lets the client be constructed in a browser-like runtime: a page with a DOM, a browser web
   * worker or a React Native app. Refused by default (`PaymentGatewayConfigError`
   * `BROWSER_NOT_ALLOWED`) because an API key shipped to a user's device is readable by that
   * user; call the gateway from your server instead. Server runtimes (Node.js, Bun, Deno, edge
   * workers) never need it. Set it only for a trusted internal tool or a test under jsdom.
   * @default false
   * @example dangerouslyAllowBrowser: true
   */
  dangerouslyAllowBrowser?: boolean;
  /**
   * Receives the client's warnings. Today one kind: `API_KEY_ROTATION_DUE`, raised once per
   * client, key id and due date when the gateway answers with `Payment-Gateway-Key-Rotation-Due`
   * (the key's secret is older than the system's `keyPolicy.maxKeyAgeDays`). Pass your logger,
   * or `() => {}` to silence it.
   * @default Node's process.emitWarning (type 'PaymentGatewayWarning'), else console.warn
   * @example onWarning: (w) => logger.warn({ keyId: w.keyId, rotationDueAt: w.rotationDueAt }, w.message)
   */
  onWarning?: WarningHandler;
}

/** Options for a single call. */
export interface RequestOptions {
  /** Extra headers for this call; `X-Organization-ID` and `Authorization` are refused before any request is sent. */
  headers?: HeadersLike;
  /** Overrides the client's `timeout` for this call (ms). */
  timeout?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /**
   * `Idempotency-Key` of a money-moving call (checkout create, manual transaction, refund; SPEC §5).
   * The SDK sends one on those calls anyway (a random UUID) and reuses it on its retries, which
   * makes them safe to retry; pass your own (e.g. your order id) to make retries across process
   * restarts safe too. Ignored by other calls.
   * @default a new random UUID per call
   */
  idempotencyKey?: string;
}

export interface ResolvedOptions {
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  fetch: Fetch | undefined;
  headers: Record<string, string>;
  onWarning: WarningHandler;
}

export const DEFAULT_BASE_URL = 'http://localhost:3000';
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
// ky rejects larger timeouts (setTimeout's limit).
const MAX_TIMEOUT_MS = 2_147_483_647;

export function checkTimeout(value: number, where: string): number {
  if (!Number.isInteger(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new PaymentGatewayConfigError('INVALID_OPTION', `${where} must be a positive integer number of milliseconds.`);
  }
  return value;
}

export function checkMaxRetries(value: number, where: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 10) {
    throw new PaymentGatewayConfigError('INVALID_OPTION', `${where} must be an integer from 0 to 10.`);
  }
  return value;
}

/** Every default is applied here, once. */
export function resolveOptions(options: PaymentGatewayOptions): ResolvedOptions {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'baseUrl must be an absolute http(s) URL, e.g. https://pay.example.com.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'baseUrl must use http or https.');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'fetch must be a function.');
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'onWarning must be a function.');
  }
  const headers = { ...(options.headers ?? {}) };
  assertNoForbiddenHeaders(headers, 'the client options');
  return {
    baseUrl,
    timeout: checkTimeout(options.timeout ?? DEFAULT_TIMEOUT_MS, 'timeout'),
    maxRetries: checkMaxRetries(options.maxRetries ?? DEFAULT_MAX_RETRIES, 'maxRetries'),
    fetch: options.fetch,
    headers,
    onWarning: options.onWarning ?? emitWarning,
  };
}
