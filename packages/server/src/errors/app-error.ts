import { ERROR_CODES, type CodeWithDetails, type ErrorBody, type ErrorCode, type ErrorDetails } from '@payment-gateway/contract';

/** `details` an AppError of code `C` may carry: the contract's shape for codes that define one (ERROR_DETAILS). */
export type AppErrorDetails<C extends ErrorCode> = C extends CodeWithDetails ? ErrorDetails<C> : Record<string, unknown>;

/**
 * The one failure type services throw. The HTTP layer turns it into the one error body of
 * SPEC §7.1; services stay free of Express.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'AppError';
  readonly status: number;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: C,
    message?: string,
    details?: AppErrorDetails<C>,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
    if (details !== undefined) this.details = details;
  }
}

export function errorBody(code: ErrorCode, requestId: string, message?: string, details?: Record<string, unknown>): ErrorBody {
  const body: ErrorBody = { error: message ?? ERROR_CODES[code].message, code, requestId };
  if (details && Object.keys(details).length > 0) body.details = details;
  return body;
}

export const notFound = (what = 'resource') => new AppError('NOT_FOUND', `The ${what} does not exist.`);
