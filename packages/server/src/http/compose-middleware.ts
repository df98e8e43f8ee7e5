import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs `handlers` in order as ONE Express layer: the same calls, arguments and order as
 * `app.use(a); app.use(b); …` for path-less middleware, without the router's per-layer work
 * (path matching, layer bookkeeping) on every request. A handler that calls `next(err)` (or
 * throws) skips the rest and hands the error to Express; one that answers without calling
 * `next` ends the chain; `next('route')`/`next('router')` leave the chain like `next()` would
 * leave the layer (there is no route inside it). Asynchronous `next` calls (body parsers) work.
 */
export function composeMiddleware(handlers: readonly RequestHandler[]): RequestHandler {
  const chain = [...handlers];
  return function composed(req: Request, res: Response, done: NextFunction): void {
    let index = 0;
    const next: NextFunction = (err?: unknown) => {
      if (err !== undefined && err !== null && err !== 'route' && err !== 'router') return done(err);
      const handler = chain[index++];
      if (!handler) return done();
      try {
        const result = handler(req, res, next) as unknown;
        // Express 5 forwards the rejection of a handler's promise; so does the chain.
        if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, done);
      } catch (caught) {
        done(caught);
      }
    };
    next();
  };
}
