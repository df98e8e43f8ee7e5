import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@payment-gateway/contract';

/**
 * The one failure type services throw. The HTTP layer turns it into the one error body of
 * SPEC §7.1; services stay free of Express.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
  }
}

export function errorBody(code: ErrorCode, requestId: string, message?: string, details?: Record<string, unknown>): ErrorBody {
  const body: ErrorBody = { error: message ?? ERROR_CODES[code].message, code, requestId };
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}

export const notFound = (what = 'resource') => new AppError('NOT_FOUND', `The ${what} does not exist.`);
