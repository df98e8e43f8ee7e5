import type { RequestHandler } from 'express';
import { AppError } from './errors.js';

/**
 * HTTP/1.1 requires Host (RFC 9112 §3.2). Node's own check answers a bare 400 without our body or
 * X-Request-ID, so the server is created with `requireHostHeader: false` and this answers it
 * instead: 400 MALFORMED_REQUEST (SPEC §7.1).
 */
export const requireHost: RequestHandler = (req, _res, next) => {
  if (req.httpVersion === '1.1' && req.headers.host === undefined) next(new AppError('MALFORMED_REQUEST', 'HTTP/1.1 requests must carry a Host header.'));
  else next();
};

/**
 * Bodies are JSON only; anything else is refused with 415 UNSUPPORTED_MEDIA_TYPE before it is
 * parsed, whether it is framed by Content-Length or chunked.
 */
export const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  else next();
};

/**
 * API answers are never conditional: Express would turn `If-None-Match: *` into a bodiless 304 on
 * any GET, and a non-2xx always carries the error body (SPEC §7.1). The validators are dropped.
 */
export const noConditionalRequests: RequestHandler = (req, _res, next) => {
  delete req.headers['if-none-match'];
  delete req.headers['if-modified-since'];
  next();
};
