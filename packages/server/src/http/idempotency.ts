import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey, type RouteMetadata } from '@payment-gateway/contract';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { type IdempotencyStore, requestFingerprint } from '../idempotency/idempotency-store.js';
import type { RouterMiddleware } from './routes/endpoints.js';

const HEADER = IDEMPOTENCY_KEY_HEADER.toLowerCase();

/**
 * Idempotency-Key for the routes whose contract metadata says `idempotent` (SPEC §5): the money
 * POSTs. Runs after authentication (the key is scoped to the caller's organization):
 * - no header: the request runs as usual and nothing is stored;
 * - a malformed header: 400 VALIDATION_FAILED;
 * - first use: the request runs; its response (status and JSON body) is stored for 24 h before
 *   it is sent; a 5xx is not stored (the key is released so a retry runs again);
 * - the same key with the same method, path and body: the stored response again, with
 *   `Idempotent-Replayed: true`;
 * - the same key with another request: 422 IDEMPOTENCY_KEY_REUSED;
 * - the same key while its first request is still running: 409 IDEMPOTENCY_KEY_IN_PROGRESS
 *   (the request is not run; retry it, the SDK does).
 * Routes without the metadata never read the header and never store a response.
 */
export function createIdempotencyMiddleware(store: IdempotencyStore, logger: Logger): RouterMiddleware {
  return (req: Request, res: Response, next: NextFunction) => {
    const metadata = (req as Request & { tsRestRoute?: { metadata?: RouteMetadata } }).tsRestRoute?.metadata;
    const raw = req.headers[HEADER];
    if (metadata?.idempotent !== true || raw === undefined) {
      next();
      return;
    }
    handle(store, logger, req, res, raw).then(
      (proceed) => {
        if (proceed) next();
      },
      (err: unknown) => next(err),
    );
  };
}

async function handle(store: IdempotencyStore, logger: Logger, req: Request, res: Response, raw: string | string[]): Promise<boolean> {
  const parsed = IdempotencyKey.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      issues: [{ path: `headers.${HEADER}`, message: parsed.error.issues[0]?.message ?? 'invalid' }],
    });
  }
  const key = parsed.data;
  const organizationId = req.auth?.organizationId;
  if (!organizationId) throw new AppError('ORGANIZATION_CONTEXT_REQUIRED');
  const claim = await store.claim(organizationId, key, requestFingerprint(req.method, req.path, req.body));
  switch (claim.kind) {
    case 'mismatch':
      throw new AppError('IDEMPOTENCY_KEY_REUSED');
    case 'in_progress':
      throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', undefined, undefined, { 'Retry-After': '1' });
    case 'replay':
      res.setHeader('Idempotent-Replayed', 'true');
      if (claim.body === undefined) res.status(claim.status).end();
      else res.status(claim.status).json(claim.body);
      return false;
    case 'claimed':
      storeResponseOf(store, logger, res, organizationId, key);
      return true;
  }
}

/** Wraps `res.json` (every answer of these routes, success or error body) to store it before it is sent. */
function storeResponseOf(store: IdempotencyStore, logger: Logger, res: Response, organizationId: string, key: string): void {
  const send = res.json.bind(res);
  let done = false;
  res.json = (body: unknown) => {
    if (done) return send(body);
    done = true;
    const status = res.statusCode;
    const write = status >= 500 ? store.release(organizationId, key) : store.complete(organizationId, key, status, body);
    write.then(
      () => send(body),
      (err: unknown) => {
        logger.warn({ err: (err as Error).message }, 'idempotency: storing the response failed');
        send(body);
      },
    );
    return res;
  };
}
