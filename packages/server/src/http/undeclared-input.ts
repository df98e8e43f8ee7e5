import { API_PREFIX } from '@payment-gateway/contract';
import { type AppRoute, isAppRouteNoBody } from '@ts-rest/core';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors/app-error.js';

/** At most this many unknown parameters are named in one answer (the rest are the same mistake). */
const MAX_NAMED = 10;
/** A parameter name is echoed up to this many characters (never its value). */
const MAX_NAME_LENGTH = 64;

/** True for a parsed JSON body that says nothing: absent, or an empty object. */
function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body !== 'object' || Array.isArray(body)) return false;
  for (const _ in body) return false;
  return true;
}

/**
 * The query parameter names a route's contract declares: the keys of its `query` object schema
 * (through `.optional()`, `.default()`, `.refine()` and the like), none when it declares no query.
 * null when the schema is not an object (then the schema alone decides).
 */
function declaredQueryNames(route: AppRoute): ReadonlySet<string> | null {
  // By zod's type names, not instanceof: the contract may load another copy of zod (CJS and ESM builds).
  let schema = ('query' in route ? route.query : undefined) as ZodLike | null | undefined;
  if (schema === undefined || schema === null) return new Set();
  for (let depth = 0; depth < 10 && schema; depth++) {
    const def: ZodLike['_def'] = schema._def;
    switch (def?.typeName) {
      case 'ZodObject':
        // A schema that lets unknown keys through means it: nothing to refuse here.
        return def.unknownKeys === 'passthrough' ? null : new Set(Object.keys(def.shape?.() ?? {}));
      case 'ZodEffects':
        schema = def.schema;
        break;
      case 'ZodOptional':
      case 'ZodNullable':
      case 'ZodDefault':
        schema = def.innerType;
        break;
      default:
        return null;
    }
  }
  return null;
}

/** The parts of a zod 3 schema's definition read here. */
interface ZodLike {
  _def?: { typeName?: string; shape?: () => Record<string, unknown>; unknownKeys?: string; schema?: ZodLike; innerType?: ZodLike };
}

/** Computed once per contract route (routes are module-level constants). */
const declaredCache = new WeakMap<AppRoute, ReadonlySet<string> | null>();
function declaredFor(route: AppRoute): ReadonlySet<string> | null {
  let names = declaredCache.get(route);
  if (names === undefined) {
    names = declaredQueryNames(route);
    declaredCache.set(route, names);
  }
  return names;
}

/** The query parameters of the request that its route does not declare, in request order. */
function unknownQueryParameters(req: Request, route: AppRoute): string[] {
  // Infrastructure probes (/health, /health/ready) are outside the API and often carry cache-busters.
  // Most requests have no query string at all: no need to parse one.
  if (!req.url.includes('?') || !route.path.startsWith(`${API_PREFIX}/`)) return [];
  const declared = declaredFor(route);
  if (declared === null) return [];
  const query = req.query as Record<string, unknown>;
  const unknown: string[] = [];
  for (const name in query) if (!declared.has(name)) unknown.push(name);
  return unknown;
}

/**
 * Input a route's contract does not declare is refused like every other input that fails its
 * schema (SPEC §7.1, §7.3 "strict validation of every input"), instead of being silently ignored
 * (a caller sending `{ "now": … }` or `?status=open` where it is not read learns so at once, as
 * with Stripe's API):
 * - a route whose body is `c.noBody()` (issue, pause, resume, cancel, logout, refresh, deletes,
 *   recurring processing) accepts an absent body or `{}`, nothing else. Routes with a body schema
 *   are validated by it (strict objects: unknown keys are 400 there too);
 * - every `/api/v1` route accepts only the query parameters its contract declares (none when it
 *   declares no query): an unknown one is 400 naming it at `query.<name>` (up to 10 named, names
 *   cut at 64 characters, values never echoed). `/health` and `/health/ready` still ignore them
 *   (load balancers and uptime monitors add cache-busters).
 * Generated from the contract, so a new route is covered the day it is added. Runs after
 * authentication, so an unauthenticated caller still gets 401 first.
 * @throws AppError VALIDATION_FAILED (400) with `details.issues[].path` `body` or `query.<name>`
 */
export function refuseUndeclaredInput(req: Request, _res: Response, next: NextFunction): void {
  const route = (req as Request & { tsRestRoute?: AppRoute }).tsRestRoute;
  if (!route) {
    next();
    return;
  }
  if ('body' in route && isAppRouteNoBody(route.body) && !isEmptyBody(req.body)) {
    next(
      new AppError('VALIDATION_FAILED', 'This route takes no request body.', {
        issues: [{ path: 'body', message: 'this route takes no body; send none or {}' }],
      }),
    );
    return;
  }
  const unknown = unknownQueryParameters(req, route);
  if (unknown.length > 0) {
    const declared = [...(declaredFor(route) ?? [])];
    const takes = declared.length ? `this route takes ${declared.join(', ')}` : 'this route takes no query parameters';
    next(
      new AppError('VALIDATION_FAILED', 'The request has query parameters this route does not take.', {
        issues: unknown.slice(0, MAX_NAMED).map((name) => {
          const shown = name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH)}…` : name;
          return { path: `query.${shown}`, message: `unknown query parameter; ${takes}` };
        }),
      }),
    );
    return;
  }
  next();
}
