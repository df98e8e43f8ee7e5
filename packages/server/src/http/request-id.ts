import { randomFillSync } from 'node:crypto';
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

/** Random bytes drawn from the CSPRNG 4 KiB at a time, 16 per id (as randomUUID caches its entropy). */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** `req_` + 32 hex digits (128 random bits, the format ids have always had); one string per id, no UUID to re-slice. */
export function newRequestId(): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const id = `req_${pool.toString('hex', poolOffset, poolOffset + 16)}`;
  poolOffset += 16;
  return id;
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
  const given = req.headers['x-request-id'];
  req.requestId = typeof given === 'string' && acceptableRequestId(given) ? given : newRequestId();
  res.setHeader('X-Request-ID', req.requestId);
  next();
};
