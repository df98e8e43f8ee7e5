import { RequestValidationError } from '@ts-rest/express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../storage/database-unavailable.js';
import { AppError, errorBody } from './errors.js';

export interface ValidationIssue {
  /** Where: `body.scopes.0`, `query.limit`, `params.orgId`. */
  path: string;
  message: string;
}

function issuesOf(err: RequestValidationError): ValidationIssue[] {
  const parts: [string, ZodError | null][] = [
    ['params', err.pathParams],
    ['query', err.query],
    ['headers', err.headers],
    ['body', err.body],
  ];
  return parts.flatMap(([where, zerr]) =>
    (zerr?.issues ?? []).map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })),
  );
}

/** Maps every failure to the one error body; 5xx bodies say nothing internal (SPEC §7.1). */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = req.requestId ?? 'unknown';
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err instanceof RequestValidationError) appError = new AppError('VALIDATION_FAILED', undefined, { issues: issuesOf(err) });
    else if (isBodyParserError(err)) appError = fromBodyParser(err);
    else if (isDatabaseUnavailable(err)) {
      // Fail closed with a retryable answer while the database is unreachable (e.g. restarting).
      logger.warn({ requestId, err: (err as Error).message }, 'database unavailable');
      appError = new AppError('SERVICE_UNAVAILABLE', undefined, undefined, { 'Retry-After': '1' });
    } else {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      appError = new AppError('INTERNAL_ERROR');
    }
    if (appError.status >= 500 && err instanceof AppError) logger.error({ requestId, code: appError.code }, appError.message);
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    res.status(appError.status).json(errorBody(appError.code, requestId, appError.message, appError.details));
  };
}

/** Unknown routes answer in the same format (SPEC §7.1). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('ROUTE_NOT_FOUND', `No route matches ${req.method} ${req.path}.`));
};

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err && typeof (err as BodyParserError).type === 'string';
}

function fromBodyParser(err: BodyParserError): AppError {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'entity.parse.failed':
      return new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.', { issues: [{ path: 'body', message: 'invalid JSON' }] });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    default:
      return new AppError('VALIDATION_FAILED', 'The request body could not be read.');
  }
}
