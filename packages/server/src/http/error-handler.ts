import { RequestValidationError } from '@ts-rest/express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { routePattern } from '../logging/logger.js';
import { isDatabaseUnavailable } from '../storage/database-unavailable.js';
import { SERVER_METHODS, allowedMethods } from './allowed-methods.js';
import { AppError, errorBody } from '../errors/app-error.js';

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
  return parts.flatMap(([where, zerr]) => (zerr?.issues ?? []).map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })));
}

/**
 * Maps every failure to the one error body; 5xx bodies say nothing internal (SPEC §7.1).
 * Bad input of any kind is a 4xx: our own AppErrors, contract (zod) validation, body-parser
 * failures, and any error Express, its router or a library raises with a 4xx `status` (e.g. a
 * malformed percent-encoding in a path, a corrupt gzip body). Only an unexpected failure is 500.
 */
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
    } else if (clientStatusOf(err) !== null) {
      appError = fromClientStatus(clientStatusOf(err)!, err);
    } else {
      logger.error({ err, requestId, method: req.method, path: routePattern(req) ?? 'unmatched' }, 'unhandled error');
      appError = new AppError('INTERNAL_ERROR');
    }
    if (appError.status >= 500 && err instanceof AppError) logger.error({ requestId, code: appError.code }, appError.message);
    if (res.headersSent) {
      // Too late for a status: end the response so the client is not left waiting.
      res.end();
      return;
    }
    for (const [k, v] of Object.entries(appError.headers ?? {})) res.setHeader(k, v);
    res.status(appError.status).json(errorBody(appError.code, requestId, appError.message, appError.details));
  };
}

/**
 * Unknown routes answer in the same format (SPEC §7.1): 405 METHOD_NOT_ALLOWED with `Allow`
 * when the path exists for other methods, an API route or a page (OPTIONS there: 204 with
 * `Allow`), else 404 ROUTE_NOT_FOUND; also 404 when a route of this very method passed the
 * request on (a missing asset under the panel's catch-all page route). The message never echoes
 * the path (it may be huge or carry a credential).
 */
export const notFoundHandler: RequestHandler = (req, res, next) => {
  if (req.method === 'OPTIONS' && req.originalUrl === '*') {
    // `OPTIONS *` asks about the server as a whole (RFC 9110 §9.3.7), not a resource named `*`.
    res.setHeader('Allow', [...SERVER_METHODS, 'OPTIONS'].join(', '));
    res.status(204).end();
    return;
  }
  const allowed = allowedMethods(req.path, req.app);
  if (allowed.length > 0 && req.method === 'OPTIONS') {
    // OPTIONS asks what the path allows: answer it (no body) rather than refuse it.
    res.setHeader('Allow', [...allowed, 'OPTIONS'].join(', '));
    res.status(204).end();
    return;
  }
  if (allowed.length > 0 && !allowed.includes(req.method)) {
    next(new AppError('METHOD_NOT_ALLOWED', `This path accepts ${allowed.join(', ')}.`, { allowed }, { Allow: allowed.join(', ') }));
    return;
  }
  next(new AppError('ROUTE_NOT_FOUND'));
};

/** The 4xx status a non-AppError carries (`status` or `statusCode`, as http-errors sets them), else null. */
function clientStatusOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500 ? value : null;
}

function fromClientStatus(status: number, err: unknown): AppError {
  switch (status) {
    case 404:
      return new AppError('ROUTE_NOT_FOUND');
    case 408:
      return new AppError('REQUEST_TIMEOUT');
    case 413:
      return new AppError('PAYLOAD_TOO_LARGE');
    case 415:
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 431:
      return new AppError('HEADERS_TOO_LARGE');
    default:
      // Express's router marks a path segment that is not valid percent-encoding with a URIError.
      if (err instanceof URIError) {
        return new AppError('VALIDATION_FAILED', 'The path is not valid percent-encoding.', {
          issues: [{ path: 'params', message: 'malformed percent-encoding' }],
        });
      }
      return new AppError('VALIDATION_FAILED', 'The request could not be read.', {
        issues: [{ path: 'request', message: 'unreadable (framing, encoding or compression)' }],
      });
  }
}

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
      return new AppError('VALIDATION_FAILED', 'The request body is not valid JSON.', {
        issues: [{ path: 'body', message: 'invalid JSON' }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Request bodies must be application/json in UTF-8, identity, gzip, deflate or br encoded.',
      );
    default:
      return new AppError('VALIDATION_FAILED', 'The request body could not be read.', {
        issues: [{ path: 'body', message: `unreadable body (${err.type})` }],
      });
  }
}
