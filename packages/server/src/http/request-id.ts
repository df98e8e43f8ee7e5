import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { scrubCredentials } from '../logging/logger.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

declare global {
  namespace Express {
    interface Request {
      /** Set by the requestId middleware before anything else runs. */
      requestId: string;
    }
  }
}

/** `req_` + a random UUID without its dashes (32 hex digits); slices cost less than replaceAll (~1 µs vs 2.4 µs). */
export function newRequestId(): string {
  const u = randomUUID();
  return `req_${u.slice(0, 8)}${u.slice(9, 13)}${u.slice(14, 18)}${u.slice(19, 23)}${u.slice(24)}`;
}

/**
 * True when a caller-supplied X-Request-ID may be used as the request id: a plain token (so it
 * cannot inject into logs) that is not credential-shaped (SPEC §7.5: the id is echoed in
 * responses and stored in audit events, which organization viewers read).
 */
export function acceptableRequestId(given: string | undefined): given is string {
  return given !== undefined && SAFE_ID.test(given) && scrubCredentials(given) === given;
}

/**
 * Every response carries X-Request-ID. A caller-supplied id is echoed only when it is
 * acceptable (acceptableRequestId); otherwise a fresh one is generated.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  req.requestId = acceptableRequestId(given) ? given : newRequestId();
  res.setHeader('X-Request-ID', req.requestId);
  next();
};
