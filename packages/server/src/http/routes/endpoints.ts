import type { RequestHandler } from 'express';

/** Options every ts-rest router is mounted with: validation errors go to the error handler; auth runs first. */
export interface EndpointOptions {
  requestValidationErrorHandler: (err: unknown, req: unknown, res: unknown, next: (e: unknown) => void) => void;
  globalMiddleware: RequestHandler[];
}

export function endpointOptions(auth: RequestHandler): EndpointOptions {
  return { requestValidationErrorHandler: (err, _req, _res, next) => next(err), globalMiddleware: [auth] };
}
