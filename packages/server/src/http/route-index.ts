import express, { type Express, type RequestHandler } from 'express';

/** How many leading literal path segments the index keys on (`/api/v1/auth` for `/api/v1/auth/whoami`). */
const INDEX_DEPTH = 3;

/** A segment with any path-to-regexp syntax (parameter, wildcard, optional group) is not literal. */
const PATTERN_SYNTAX = /[:*{}()[\]?+!\\]/;

/** The parts of an Express 5 (router 2) layer the index reads. */
interface RouteLayer {
  route?: { path?: unknown; _handlesMethod(method: string): boolean };
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
  const buckets = new Map<string, RequestHandler>();
  for (const key of keys) {
    const router = express.Router();
    (router as unknown as { stack: RouteLayer[] }).stack = layers.filter((l) => covers(keyOf(l), key));
    buckets.set(key, router);
  }
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
        bucket(req, res, next);
        return;
      }
    }
    const fallback = buckets.get('');
    if (fallback) fallback(req, res, next);
    else next();
  });
}
