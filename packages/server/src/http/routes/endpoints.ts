import type { NextFunction, RequestHandler } from 'express';
import { composeMiddleware } from '../compose-middleware.js';

/**
 * A middleware as ts-rest accepts it on every router. ts-rest types `req` per route (its `res`
 * may be `Response<never>` on routes without a body), which a plain Express RequestHandler is
 * not assignable to; the auth middleware reads only headers, params and route metadata.
 */
// biome-ignore lint/suspicious/noExplicitAny: ts-rest types req and res per route (see above)
export type RouterMiddleware = (req: any, res: any, next: NextFunction) => void;

/**
 * Options every ts-rest router is mounted with: validation errors go to the error handler; auth
 * runs first, then whatever `after` adds (Idempotency-Key, which needs the caller's organization).
 */
export interface EndpointOptions {
  requestValidationErrorHandler: (err: unknown, req: unknown, res: unknown, next: (e: unknown) => void) => void;
  globalMiddleware: RouterMiddleware[];
}

export function endpointOptions(auth: RequestHandler, ...after: RouterMiddleware[]): EndpointOptions {
  // One route layer for all of them (composeMiddleware): the same calls in the same order.
  const middleware = composeMiddleware([auth, ...(after as RequestHandler[])]) as RouterMiddleware;
  return { requestValidationErrorHandler: (err, _req, _res, next) => next(err), globalMiddleware: [middleware] };
}
