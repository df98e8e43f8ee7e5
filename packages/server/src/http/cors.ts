import cors from 'cors';
import type { NextFunction, Request, Response } from 'express';
import type { ServerConfig } from '../config.js';
import { API_PREFIX } from '@payment-gateway/contract';

/** The customer portal's routes: the only API a browser on a merchant's origin calls by default. */
const PORTAL_PREFIX = `${API_PREFIX}/portal/`;

/**
 * CORS for browsers on the merchant's own origins (SPEC §12). For an origin in CORS_ORIGINS,
 * requests to /api/v1/portal/** carry `Access-Control-Allow-Origin` (errors too, as the header is
 * set before the route runs), and a preflight (OPTIONS with Access-Control-Request-Method) answers
 * 204 with the allowed methods, `authorization, content-type`, a 10-minute Max-Age and
 * `Vary: Origin`. Any other origin, and every other path, gets no CORS headers (a preflight then
 * falls through to the ordinary OPTIONS answer). The rest of /api/v1 (the Admin API) is included
 * only with CORS_ADMIN_API=true: Admin API keys must never live in browsers, whereas the portal
 * token is a customer's short-lived session. Credentials are bearer tokens, never cookies, so no
 * `Access-Control-Allow-Credentials`.
 */
export function createCors(
  config: Pick<ServerConfig, 'corsOrigins' | 'corsAdminApi'>,
): (req: Request, res: Response, next: NextFunction) => void {
  const allowed = new Set(config.corsOrigins.map((o) => o.toLowerCase()));
  const handler = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin.toLowerCase()) ? origin : false),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['x-request-id', 'retry-after', 'payment-gateway-key-rotation-due'],
    maxAge: 600,
    optionsSuccessStatus: 204,
    preflightContinue: false,
  });
  return (req, res, next) => {
    // Cheapest tests first: most API calls come from servers, without an Origin.
    const origin = req.headers.origin;
    if (allowed.size === 0 || origin === undefined || !allowed.has(origin.toLowerCase())) {
      next();
      return;
    }
    const path = req.path.toLowerCase();
    const applies = path.startsWith(PORTAL_PREFIX) || (config.corsAdminApi && (path.startsWith(`${API_PREFIX}/`) || path === API_PREFIX));
    if (!applies) {
      next();
      return;
    }
    // A bare OPTIONS (no Access-Control-Request-Method) is not a preflight: the route's Allow answer.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] === undefined) {
      res.vary('Origin');
      res.setHeader('Access-Control-Allow-Origin', origin);
      next();
      return;
    }
    handler(req, res, next);
  };
}
