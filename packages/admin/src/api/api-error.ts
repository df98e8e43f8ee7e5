import type { ErrorCode } from '@payment-gateway/contract';

/**
 * A server error as the panel shows it: the one error body `{ error, code, requestId }` of every
 * failed request (SPEC §8), or a network failure (code `NETWORK`, no request id).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK' | 'UNEXPECTED',
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBodyLike {
  error?: unknown;
  code?: unknown;
  requestId?: unknown;
}

/** Builds an ApiError from any non-success ts-rest response. */
export function toApiError(res: { status: number; body: unknown; headers?: Headers }): ApiError {
  const body = (typeof res.body === 'object' && res.body !== null ? res.body : {}) as ErrorBodyLike;
  const requestId = typeof body.requestId === 'string' ? body.requestId : (res.headers?.get('x-request-id') ?? null);
  const message = typeof body.error === 'string' ? body.error : `Unexpected response (HTTP ${res.status})`;
  const code = typeof body.code === 'string' ? (body.code as ErrorCode) : 'UNEXPECTED';
  return new ApiError(message, res.status, code, requestId);
}

/** Returns the body of a response with the expected status, or throws its ApiError. */
export function expectStatus<R extends { status: number; body: unknown }, S extends R['status']>(
  res: R,
  status: S,
): Extract<R, { status: S }>['body'] {
  if (res.status !== status) throw toApiError(res);
  return res.body as Extract<R, { status: S }>['body'];
}
