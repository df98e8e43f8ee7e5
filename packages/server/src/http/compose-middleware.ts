import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { match } from 'path-to-regexp';

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

/**
 * `handler` for requests under one of `paths` only, matched as `app.use(paths, handler)` would
 * match them (path-to-regexp, Express's matcher: a whole-segment prefix, letter case ignored),
 * so it can run inside a composed chain instead of as a layer of its own. Unlike a mounted
 * middleware, `req.url` keeps its mount path (the handler must not read it: a body parser).
 */
export function onPaths(paths: readonly string[], handler: RequestHandler): RequestHandler {
  const matchers = paths.map((path) => match(path, { end: false, sensitive: false }));
  return (req, res, next) => {
    const path = req.path;
    if (matchers.some((m) => m(path))) handler(req, res, next);
    else next();
  };
}
