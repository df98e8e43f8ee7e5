import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/** What helmet does to a response: headers set (name, value) and headers removed, in order. */
interface HeaderStep {
  name: string;
  value: string | null;
}

/**
 * Helmet's headers for `options`, computed once: helmet runs against a recording response at
 * start, and each request then gets the same headers set (and removed) in the same order, without
 * helmet's chain of a dozen middlewares per request. Valid because the options hold no function
 * (a CSP directive computed per request, e.g. a nonce): this throws at start if they do.
 * @throws Error when an option is a function (per-request values cannot be precomputed)
 */
export function staticSecurityHeaders(options: Readonly<HelmetOptions>): RequestHandler {
  if (JSON.stringify(options, (_k, v: unknown) => (typeof v === 'function' ? '\u0000fn' : v)).includes('\u0000fn'))
    throw new Error('staticSecurityHeaders: options computed per request cannot be precomputed');
  const steps: HeaderStep[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      steps.push({ name, value: String(value) });
    },
    removeHeader(name: string) {
      steps.push({ name, value: null });
    },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('staticSecurityHeaders: helmet did not finish synchronously');
  return (_req, res, next) => {
    for (const step of steps) {
      if (step.value === null) res.removeHeader(step.name);
      else res.setHeader(step.name, step.value);
    }
    next();
  };
}

/**
 * Every response is `Cache-Control: no-store` unless its handler says otherwise: API answers carry
 * tokens shown once (key create and rotate, login, portal sessions, magic-link URLs) and customer
 * data, which no browser or shared cache may keep. Handlers whose answers may be cached replace
 * the header (the OpenAPI document, the pages); static files use `keepCacheable` so their own
 * caching applies.
 */
export const noStoreByDefault: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * `setHeaders` for express.static: drops the default `no-store` (noStoreByDefault) before the file
 * is sent, so the static handler's own Cache-Control (`maxAge`, `immutable`) is the one sent
 * (it never overwrites a Cache-Control already set).
 */
export function keepCacheable(res: ServerResponse): void {
  res.removeHeader('Cache-Control');
}
