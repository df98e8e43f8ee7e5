import type { ErrorRequestHandler, IRouter, NextFunction, Request, RequestHandler, Response } from 'express';
import { match, type MatchFunction } from 'path-to-regexp';
import { composeMiddleware } from './compose-middleware.js';

/** The HTTP methods ts-rest mounts a contract route with. */
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/** How many leading literal path segments the index keys on (`/api/v1/auth` for `/api/v1/auth/whoami`). */
const INDEX_DEPTH = 3;

/** A segment with any path-to-regexp syntax (parameter, wildcard, optional group) is not literal. */
const PATTERN_SYNTAX = /[:*{}()[\]?+!\\]/;

interface MountedRoute {
  method: Method;
  /** The contract's path pattern (`/api/v1/clients/:id`). */
  path: string;
  /** Its leading literal segments, lower-cased (see literalPrefix). */
  key: string;
  match: MatchFunction<Record<string, string>>;
  /** ts-rest's handlers for the route, in order, as one function (composeMiddleware). */
  run: RequestHandler;
}

/**
 * A route parameter decoded as Express's router decodes it: `decodeURIComponent`, and a
 * malformed percent-encoding is a 400 (the error handler answers VALIDATION_FAILED).
 */
function decodeParam(value: string): string {
  if (value.length === 0 || !value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (err) {
    if (err instanceof URIError) Object.assign(err, { message: `Failed to decode param '${value}'`, status: 400, statusCode: 400 });
    throw err;
  }
}

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
 * The contract's routes, dispatched by one Express middleware instead of one router layer per
 * route (SPEC §7: routing is part of every request's cost; README, Benchmarks 7).
 *
 * `target` stands in for the app when ts-rest's `createExpressEndpoints` mounts a router: it
 * records each route's method, path and handlers (ts-rest's own: the route marker, the global
 * middleware, request validation and the handler) and the error handler ts-rest adds after
 * each router. `middleware()` then answers a request by looking up the routes that can match
 * it by method and leading literal path segments, and matching each in registration order
 * with path-to-regexp, the matcher Express's router uses, with Express's options: letter case
 * ignored, an optional trailing slash, parameters decoded with `decodeURIComponent` (a
 * malformed encoding is a 400). A HEAD request runs the GET route (Node sends no body); OPTIONS
 * and a request no route matches go on down the app (CORS, 405 with `Allow`, 404), as before.
 *
 * What runs for a matched route is unchanged: ts-rest's handlers in their order, `req.params`
 * set from the match; an error goes through the recorded error handlers, then to the app's.
 */
export class ContractRouter {
  readonly #routes: MountedRoute[] = [];
  readonly #errorHandlers: ErrorRequestHandler[] = [];
  #sealed = false;

  /** What `createExpressEndpoints` mounts routes on in place of the app (methods and `use` only). */
  readonly target: IRouter;

  constructor() {
    const target: Record<string, unknown> = {};
    for (const method of METHODS) {
      target[method.toLowerCase()] = (path: unknown, ...handlers: unknown[]) => {
        this.#mount(method, path, handlers.flat(Number.POSITIVE_INFINITY) as RequestHandler[]);
        return target;
      };
    }
    target.use = (...handlers: unknown[]) => {
      for (const handler of handlers.flat(Number.POSITIVE_INFINITY)) {
        if (typeof handler !== 'function' || handler.length !== 4)
          throw new Error('ContractRouter: only error handlers may be mounted with use()');
        this.#errorHandlers.push(handler as ErrorRequestHandler);
      }
      return target;
    };
    this.target = target as unknown as IRouter;
  }

  #mount(method: Method, path: unknown, handlers: RequestHandler[]): void {
    if (this.#sealed) throw new Error('ContractRouter: routes must be mounted before middleware() is built');
    if (typeof path !== 'string') throw new Error(`ContractRouter: ${method} route path must be a string`);
    this.#routes.push({
      method,
      path,
      key: literalPrefix(path),
      match: match<Record<string, string>>(path.replace(/\/+$/, '') || '/', {
        sensitive: false,
        end: true,
        trailing: true,
        decode: decodeParam,
      }),
      run: composeMiddleware(handlers),
    });
  }

  /**
   * The one middleware answering every mounted route; mount it where the routes belong in the
   * app's order. No route can be mounted afterwards.
   */
  middleware(): RequestHandler {
    this.#sealed = true;
    const errorHandlers = [...this.#errorHandlers];
    // Per method and index key: every route whose own key is a segment-wise prefix of it (or
    // equal), in registration order, so the longest indexed prefix of a path finds every route
    // that can match it.
    const covers = (routeKey: string, key: string) => routeKey === '' || key === routeKey || key.startsWith(`${routeKey}/`);
    const keys = new Set(this.#routes.map((r) => r.key));
    const byMethod = new Map<string, Map<string, MountedRoute[]>>();
    for (const method of METHODS) {
      const buckets = new Map<string, MountedRoute[]>();
      for (const key of keys) {
        const candidates = this.#routes.filter((r) => r.method === method && covers(r.key, key));
        if (candidates.length > 0) buckets.set(key, candidates);
      }
      byMethod.set(method, buckets);
    }

    const fail = (err: unknown, req: Request, res: Response, next: NextFunction, index = 0): void => {
      const handler = errorHandlers[index];
      if (!handler) {
        next(err);
        return;
      }
      try {
        handler(err, req, res, (e?: unknown) => (e === undefined || e === null ? next() : fail(e, req, res, next, index + 1)));
      } catch (thrown) {
        fail(thrown, req, res, next, index + 1);
      }
    };

    // Tries candidates[from…] in order; the first that matches runs. `next()` from its last
    // handler (or `next('route')`) means: not answered here, try the following ones.
    const dispatch = (req: Request, res: Response, next: NextFunction, path: string, candidates: MountedRoute[], from: number): void => {
      for (let i = from; i < candidates.length; i++) {
        const route = candidates[i]!;
        let found: ReturnType<MountedRoute['match']>;
        try {
          found = route.match(path);
        } catch (err) {
          fail(err, req, res, next);
          return;
        }
        if (!found) continue;
        req.params = found.params;
        route.run(req, res, (err?: unknown) => {
          if (err !== undefined && err !== null && err !== 'route') fail(err, req, res, next);
          else dispatch(req, res, next, path, candidates, i + 1);
        });
        return;
      }
      next();
    };

    return (req, res, next) => {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      if (method === 'OPTIONS') return next();
      const buckets = byMethod.get(method);
      if (!buckets) return next();
      const path = req.path;
      const candidates = bucketFor(buckets, path.toLowerCase());
      if (!candidates) return next();
      dispatch(req, res, next, path, candidates, 0);
    };
  }
}

/** The routes that can match `lowerPath` (of one method): those of its longest indexed prefix. */
function bucketFor(buckets: Map<string, MountedRoute[]>, lowerPath: string): MountedRoute[] | undefined {
  const ends: number[] = [];
  let end = 0;
  for (let depth = 0; depth < INDEX_DEPTH; depth++) {
    const slash = lowerPath.indexOf('/', end + 1);
    ends.push(slash === -1 ? lowerPath.length : slash);
    if (slash === -1) break;
    end = slash;
  }
  for (let i = ends.length - 1; i >= 0; i--) {
    const bucket = buckets.get(lowerPath.slice(0, ends[i]));
    if (bucket) return bucket;
  }
  return buckets.get('');
}
