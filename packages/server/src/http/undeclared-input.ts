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
 * Input a route's contract does not declare is refused like every other input that fails its
 * schema (SPEC §7.1, §7.3 "strict validation of every input"), instead of being silently ignored
 * (a caller sending `{ "now": … }` learns it is not read):
 * a route whose body is `c.noBody()` (issue, pause, resume, cancel, logout, refresh, deletes,
 * recurring processing) accepts an absent body or `{}`, nothing else. Routes with a body schema
 * are validated by it (strict objects: unknown keys are 400 there too). Query parameters of
 * routes that declare none are still ignored (cache-busters and tracing parameters are common).
 * Runs after authentication, so an unauthenticated caller still gets 401 first.
 * @throws AppError VALIDATION_FAILED (400) with `details.issues[0].path` `body`
 */
export function refuseUndeclaredInput(req: Request, _res: Response, next: NextFunction): void {
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
