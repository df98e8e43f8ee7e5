import { ERROR_CODES, type ErrorCode } from '@payment-gateway/contract';

/** Every error the SDK throws extends this class. */
export class PaymentGatewayError extends Error {
  override name = 'PaymentGatewayError';
}

/**
 * What is wrong with the client's configuration or with a call's options:
 * - `INVALID_API_KEY`: the key is missing, malformed, has a bad checksum or surrounding whitespace, or the key function threw.
 * - `ORGANIZATION_HEADER_NOT_ALLOWED` / `AUTHORIZATION_HEADER_NOT_ALLOWED`: a forbidden header in the options or a call.
 * - `INVALID_OPTION`: an option of the wrong type or out of range.
 * - `ORGANIZATION_UNKNOWN`: a call needs the key's organization and whoami could not give one.
 * - `BROWSER_NOT_ALLOWED`: constructed in a browser page, a browser web worker or React Native without `dangerouslyAllowBrowser: true`.
 */
export type ConfigErrorCode =
  | 'INVALID_API_KEY'
  | 'ORGANIZATION_HEADER_NOT_ALLOWED'
  | 'AUTHORIZATION_HEADER_NOT_ALLOWED'
  | 'INVALID_OPTION'
  | 'ORGANIZATION_UNKNOWN'
  | 'BROWSER_NOT_ALLOWED';

/**
 * Misuse detected before any request is sent: a malformed API key, a forbidden header, a bad
 * option, a browser-like runtime. Its message never contains the API key.
 */
export class PaymentGatewayConfigError extends PaymentGatewayError {
  override name = 'PaymentGatewayConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The API's error codes, plus `UNKNOWN_ERROR` for a response without the API's error body (e.g. a proxy's 502 page). */
export type ApiErrorCode = ErrorCode | 'UNKNOWN_ERROR';

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A non-2xx answer from the API. `switch (err.code)` narrows to the contract's error codes. */
export class ApiError extends PaymentGatewayError {
  override name = 'ApiError';
  /** HTTP status code. */
  readonly status: number;
  /** Stable machine-readable code from the error body. */
  readonly code: ApiErrorCode;
  /** The request id (body `requestId` or the `X-Request-ID` header); quote it to support. */
  readonly requestId: string | undefined;
  /** Structured details, e.g. `issues`, `requiredScope`, `validScopes`. */
  readonly details: Record<string, unknown> | undefined;
  /** The response headers. */
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    const b = asRecord(body);
    const code: ApiErrorCode = b && isErrorCode(b.code) ? b.code : 'UNKNOWN_ERROR';
    const text = typeof b?.error === 'string' ? b.error : `HTTP ${status}`;
    const requestId = (typeof b?.requestId === 'string' ? b.requestId : undefined) ?? headers.get('x-request-id') ?? undefined;
    super(`${status} ${code}: ${text}${requestId ? ` (request ${requestId})` : ''}`);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.details = asRecord(b?.details);
    this.headers = headers;
  }

  /** Builds the subclass that matches the status. */
  static from(status: number, body: unknown, headers: Headers): ApiError {
    const Class = status >= 500 ? InternalServerError : (STATUS_CLASSES[status] ?? ApiError);
    return new Class(status, body, headers);
  }
}

/** 400: the request is malformed or invalid (`VALIDATION_FAILED` lists `details.issues`). */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
/** 400, by its other name: `VALIDATION_FAILED`, `UNKNOWN_SCOPE` and the other 400 codes. */
export { BadRequestError as ValidationError };
/** 401: the API key is missing, invalid, revoked or expired. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
/** 403: the key lacks a scope, or may not act here; `requiredScope` names the missing scope. */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
  /** The scope the route requires (for `INSUFFICIENT_SCOPE`). */
  get requiredScope(): string | undefined {
    const scope = this.details?.requiredScope;
    return typeof scope === 'string' ? scope : undefined;
  }
}
/** 404: the resource does not exist (or is not visible to this key). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the resource's state. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
/** 422: a policy forbids it (e.g. the customer portal is disabled). */
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError';
}
/** 429: rate limited; `retryAfter` is the server's `Retry-After` in seconds. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** Seconds to wait before retrying, from the `Retry-After` header. */
  get retryAfter(): number | undefined {
    return parseRetryAfter(this.headers.get('retry-after'));
  }
}
/** 5xx: the server failed; the request id helps support. */
export class InternalServerError extends ApiError {
  override name = 'InternalServerError';
}

const STATUS_CLASSES: Record<number, typeof ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** Where a request that got no answer was going. The URL has no credentials and no query string. */
export interface ConnectionErrorInfo {
  /** The underlying cause, e.g. a `TypeError: fetch failed` whose `cause` has the system error. */
  cause?: unknown;
  /** HTTP method, e.g. `GET`. */
  method?: string;
  /** The request URL without user info and query string (`?…` marks that one was sent). */
  url?: string;
  /** The system error code, e.g. `ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`; `ETIMEDOUT` for a timeout. */
  code?: string;
}

/**
 * The request never got an HTTP answer (DNS, refused connection, reset, TLS). The message says
 * which request and why, e.g. `GET http://127.0.0.1:3000/api/v1/clients failed: ECONNREFUSED
 * (connect ECONNREFUSED 127.0.0.1:3000)`; `method`, `url` and `code` say it as data.
 */
export class ConnectionError extends PaymentGatewayError {
  override name = 'ConnectionError';
  /** HTTP method of the failed request. */
  readonly method: string | undefined;
  /** URL of the failed request, without credentials or query string. */
  readonly url: string | undefined;
  /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, …), `ETIMEDOUT` for timeouts; undefined when unknown. */
  readonly code: string | undefined;
  constructor(message = 'Connection error.', info: ConnectionErrorInfo = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.method = info.method;
    this.url = info.url;
    this.code = info.code;
  }
}

/** No answer within the `timeout`. */
export class TimeoutError extends ConnectionError {
  override name = 'TimeoutError';
  constructor(timeoutMs: number, info: Omit<ConnectionErrorInfo, 'code'> = {}) {
    const target = info.method && info.url ? `${info.method} ${info.url} ` : 'Request ';
    super(`${target}timed out after ${timeoutMs} ms (ETIMEDOUT).`, { ...info, code: 'ETIMEDOUT' });
  }
}

/** A URL safe to put in an error message or a log: no user info, no query string (it may hold credentials). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The system error code behind a failed `fetch` (undici puts it on `cause`, sometimes in an AggregateError). */
export function systemErrorCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
  if (typeof code === 'string' && code.startsWith('UND_ERR')) return code;
  const nested = (error as { cause?: unknown }).cause ?? (error as { errors?: unknown[] }).errors?.[0];
  return systemErrorCode(nested, depth + 1);
}

/** The innermost message of a failure chain (`connect ECONNREFUSED 127.0.0.1:3000` rather than `fetch failed`). */
function rootMessage(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const nested = (error as { cause?: unknown }).cause ?? (error as { errors?: unknown[] }).errors?.[0];
  const inner = rootMessage(nested, depth + 1);
  if (inner) return inner;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

/** The ConnectionError for a request that failed before any HTTP answer. */
export function connectionErrorFor(method: string, rawUrl: string, error: unknown): ConnectionError {
  const url = redactUrl(rawUrl);
  const code = systemErrorCode(error);
  const detail = rootMessage(error);
  const why = [code, detail && detail !== code ? `(${detail})` : undefined].filter(Boolean).join(' ') || 'no response';
  return new ConnectionError(`${method} ${url} failed: ${why}`, { cause: error, method, url, ...(code ? { code } : {}) });
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
