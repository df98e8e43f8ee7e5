import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the requestId middleware before anything else runs. */
      requestId: string;
    }
  }
}

/**
 * Every response carries X-Request-ID. A caller-supplied id is echoed only when it is a
 * plain token (so it cannot inject into logs); otherwise a fresh one is generated.
 */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.header('x-request-id');
  req.requestId = given && SAFE_ID.test(given) ? given : `req_${randomUUID().replaceAll('-', '')}`;
  res.setHeader('X-Request-ID', req.requestId);
  next();
};
