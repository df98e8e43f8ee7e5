import type { Express, NextFunction, Request, Response } from 'express';

/** How many leading literal path segments the index keys on (`/api/v1/auth` for `/api/v1/auth/whoami`). */
const INDEX_DEPTH = 3;

/** A segment with any path-to-regexp syntax (parameter, wildcard, optional group) is not literal. */
const PATTERN_SYNTAX = /[:*{}()[\]?+!\\]/;

/** The parts of an Express 5 (router 2) layer the index reads. */
interface RouteLayer {
  route?: {
    path?: unknown;
    _handlesMethod(method: string): boolean;
    dispatch(req: Request, res: Response, done: (err?: unknown) => void): void;
  };
  /** router 2.x: the match of `path` (decoded parameters), false, or a throw when a parameter cannot be decoded. */
  match(path: string): false | { params: Record<string, string> };
  handle: (...args: unknown[]) => unknown;
}

/** An error-handling middleware (four parameters): what createExpressEndpoints adds after each router. */
const isErrorHandler = (l: RouteLayer) => !l.route && l.handle.length === 4;

/** `/a/b/c` → up to INDEX_DEPTH leading literal segments, lower-cased; '' when the first segment is not literal. */
function literalPrefix(path: string): string {
  const segments = path.split('/').slice(1, INDEX_DEPTH + 1);
  let prefix = '';
  for (const segment of segments) {
    if (segment === '' || PATTERN_SYNTAX.test(segment)) break;
    prefix += `/${segment.toLowerCase()}`;
  }
  return prefix;
}

/**
 * Replaces the layers registered on `app` since stack position `from` (the contract's endpoints,
 * mounted in order by createExpressEndpoints with its error handler after each router) with one middleware that looks a request
 * up by the leading literal segments of its path and runs only the routes that can match it, in
 * their registration order, instead of Express trying every route in turn (SPEC §7: routing is
 * part of every request's cost). Built from whatever routes are registered, so a route added to
 * the contract tomorrow is indexed the same way.
 *
 * Matching is unchanged: each candidate route still matches with its own Express pattern
 * (case-insensitive, optional trailing slash, parameters), and a request no candidate answers
 * continues down the app (405/404 handling) exactly as before. A route the index cannot reason
 * about (a non-string path, a leading parameter) is a candidate for every request, as are error
 * handlers. A route that answers OPTIONS, or a middleware other than an error handler, leaves the
 * stack as it was (a nested router would answer OPTIONS on its own).
 */
export function indexRoutesSince(app: Express, from: number): void {
  const stack = (app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
  const layers = stack.slice(from);
  if (layers.length === 0 || layers.some((l) => (l.route ? l.route._handlesMethod('OPTIONS') : !isErrorHandler(l)))) return;
  // Error handlers run for every path, so every bucket keeps them in their place.
  const keyOf = (l: RouteLayer) => (typeof l.route?.path === 'string' ? literalPrefix(l.route.path) : '');
  const keys = new Set(layers.map(keyOf));
  // Each key's candidates: every route whose own key is a segment-wise prefix of it (or equal), in order.
  const covers = (routeKey: string, key: string) => routeKey === '' || key === routeKey || key.startsWith(`${routeKey}/`);
  const buckets = new Map<string, RouteLayer[]>();
  for (const key of keys) buckets.set(key, layers.filter((l) => covers(keyOf(l), key)));
  stack.length = from;

  app.use((req, res, next) => {
    // No contract route answers OPTIONS (checked above); the app's own OPTIONS answer follows.
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    const path = req.path.toLowerCase();
    // Longest indexed prefix first: a shorter key's bucket holds only routes that cannot match deeper.
    let end = 0;
    const ends: number[] = [];
    for (let depth = 0; depth < INDEX_DEPTH; depth++) {
      const slash = path.indexOf('/', end + 1);
      ends.push(slash === -1 ? path.length : slash);
      if (slash === -1) break;
      end = slash;
    }
    for (let i = ends.length - 1; i >= 0; i--) {
      const bucket = buckets.get(path.slice(0, ends[i]));
      if (bucket) {
        dispatch(bucket, req, res, next);
        return;
      }
    }
    const fallback = buckets.get('');
    if (fallback) dispatch(fallback, req, res, next);
    else next();
  });
}

/**
 * Runs a bucket's layers as Express's router would run them as a router of their own, without
 * building one per request: each route layer in order is matched against the path (its own
 * pattern: letter case, trailing slash, decoded parameters) and the method, and the first match
 * gets `req.params` and runs (`next('route')` goes on to the next candidate, `next('router')`
 * leaves the bucket); an error (a handler's, or a parameter that does not decode) runs the
 * bucket's error handlers that follow, in order, then leaves with it. Nothing matched: `next()`.
 */
function dispatch(layers: readonly RouteLayer[], req: Request, res: Response, next: NextFunction): void {
  const path = req.path;
  let index = 0;
  const fail = (err: unknown): void => {
    // Error handlers after the layer that failed, as the router would call them (handleError).
    while (index < layers.length) {
      const layer = layers[index++]!;
      if (!layer.route && layer.handle.length === 4) {
        try {
          layer.handle(err, req, res, (e?: unknown) => (e === undefined || e === 'route' ? resume() : e === 'router' ? next() : fail(e)));
        } catch (thrown) {
          fail(thrown);
        }
        return;
      }
    }
    next(err);
  };
  const resume = (err?: unknown): void => {
    if (err === 'router') return next();
    if (err !== undefined && err !== null && err !== 'route') return fail(err);
    while (index < layers.length) {
      const layer = layers[index++]!;
      const route = layer.route;
      if (!route) continue;
      let match: ReturnType<RouteLayer['match']>;
      try {
        match = layer.match(path);
      } catch (thrown) {
        return fail(thrown);
      }
      if (!match || (!route._handlesMethod(req.method) && req.method !== 'HEAD')) continue;
      req.params = match.params;
      try {
        route.dispatch(req, res, resume);
      } catch (thrown) {
        fail(thrown);
      }
      return;
    }
    next();
  };
  resume();
}
