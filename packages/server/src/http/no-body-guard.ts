import { type AppRoute, isAppRouteNoBody } from '@ts-rest/core';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

/** True for a parsed JSON body that says nothing: absent, or an empty object. */
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  for (const _ in body) return false;
  return true;
}

/**
 * Routes whose contract body is `c.noBody()` (issue, pause, resume, cancel, logout, recurring
 * processing, deletes…) take no input in their body: an absent body or `{}` is accepted, anything
 * else is refused like every other input that fails its schema (SPEC §7.1), instead of being
 * silently ignored (a caller sending `{ "now": … }` or `{ "reason": … }` learns it is not read).
 * Runs after authentication, so an unauthenticated caller still gets 401 first.
 * @throws AppError VALIDATION_FAILED (400) with `details.issues[0].path` `body`
 */
export function refuseUnexpectedBody(req: Request, _res: Response, next: NextFunction): void {
  const route = (req as Request & { tsRestRoute?: AppRoute }).tsRestRoute;
  if (route && 'body' in route && isAppRouteNoBody(route.body) && !isEmptyBody(req.body)) {
    next(
      new AppError('VALIDATION_FAILED', 'This route takes no request body.', {
        issues: [{ path: 'body', message: 'this route takes no body; send none or {}' }],
      }),
    );
    return;
  }
  next();
}
