import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';

type Handle = (req: Request, res: Response, callback?: NextFunction) => void;

/**
 * Runs `steps` for every request ahead of the app's router: the API pipeline (one composed chain
 * that ends in the contract's routes) answers an API request without entering Express's router at
 * all, and whatever it leaves unanswered (the pages, the docs, a 404 or 405) goes on through the
 * app exactly as before. Express's router allocates and walks its layer machinery for every
 * request (README, Benchmarks 7: about a tenth of an API request's CPU); the API pipeline needs
 * none of it.
 *
 * Before `steps`, the request and response get what Express's `app.handle` and its router give
 * them before the first middleware (express 5 `application.js`, router 2 `index.js`): each other
 * (`req.res`, `res.req`), the app's request and response prototypes (`res.json`, `req.path`, …),
 * `res.locals`, `req.originalUrl` and `req.baseUrl`, and `X-Powered-By` when enabled. An error
 * from `steps` goes to `onError` (the app's error handler); a request `steps` passes on goes to
 * Express's own `app.handle`. The app function itself calls `app.handle`, so servers and tests
 * that mount the app get the same pipeline.
 */
export function runBeforeRouter(app: Express, steps: RequestHandler, onError: ErrorRequestHandler): void {
  const target = app as unknown as { handle: Handle };
  const expressHandle = target.handle;
  target.handle = function handle(req, res, callback) {
    if (app.enabled('x-powered-by')) res.setHeader('X-Powered-By', 'Express');
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (!res.locals) res.locals = Object.create(null) as Record<string, unknown>;
    req.originalUrl = req.originalUrl || req.url;
    req.baseUrl = '';
    try {
      steps(req, res, (err?: unknown) => {
        if (err !== undefined && err !== null && err !== 'route' && err !== 'router') answerError(onError, err, req, res);
        else expressHandle.call(app, req, res, callback);
      });
    } catch (err) {
      answerError(onError, err, req, res);
    }
  };
}

/** Hands `err` to the app's error handler, which always answers; should it not, the connection must not hang. */
function answerError(onError: ErrorRequestHandler, err: unknown, req: Request, res: Response): void {
  onError(err, req, res, () => {
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
}
