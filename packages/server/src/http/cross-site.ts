import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

/** Content types an HTML form on any site can send without a CORS preflight. */
const FORM_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * True when a browser says this request was made by another site: `Sec-Fetch-Site` is
 * `cross-site` or `same-site` (a sibling subdomain gets SameSite=Strict cookies too), or, from
 * browsers without Fetch Metadata, an `Origin` header whose host is not this server's (or is
 * `null`). A request with neither header is a non-browser client and is not cross-site.
 */
export function isCrossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) and garbage are not this server.
    return true;
  }
  // Host (or X-Forwarded-Host behind a trusted proxy) names this server as the browser reached it.
  const forwarded = req.app.get('trust proxy fn')?.(req.socket.remoteAddress ?? '', 0) ? req.headers['x-forwarded-host'] : undefined;
  const own = (typeof forwarded === 'string' && forwarded ? forwarded.split(',')[0]!.trim() : req.headers.host) ?? '';
  return host.toLowerCase() !== own.toLowerCase();
}

/**
 * Guards state-changing routes that a cookie authenticates or whose effect is a cookie
 * (sign-in, refresh, sign-out under /api/v1/auth): SameSite=Strict is not the only defence.
 * - cross-site (see isCrossSite) → 403 CROSS_SITE_REQUEST;
 * - a form content type (what a cross-site HTML form can send without a preflight) → 415
 *   UNSUPPORTED_MEDIA_TYPE, even with an empty body.
 * Requests with no Origin and no Sec-Fetch-Site (SDKs, curl) and same-origin ones pass.
 * @throws AppError CROSS_SITE_REQUEST, UNSUPPORTED_MEDIA_TYPE (through `next`)
 */
export function refuseCrossSite(req: Request, _res: Response, next: NextFunction): void {
  if (isCrossSite(req)) {
    next(new AppError('CROSS_SITE_REQUEST'));
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (FORM_CONTENT_TYPES.includes(type)) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
    return;
  }
  next();
}
