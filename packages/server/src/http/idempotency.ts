import { IDEMPOTENCY_KEY_HEADER, IdempotencyKey, type RouteMetadata } from '@payment-gateway/contract';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { type IdempotencyStore, requestFingerprint } from '../idempotency/idempotency-store.js';
import { watchCommits } from '../storage/commit-watch.js';
import type { RouterMiddleware } from './routes/endpoints.js';

const HEADER = IDEMPOTENCY_KEY_HEADER.toLowerCase();

/**
 * Idempotency-Key for the routes whose contract metadata says `idempotent` (SPEC §5): the money
 * POSTs. Runs after authentication (the key is scoped to the caller's organization):
 * - no header: the request runs as usual and nothing is stored;
 * - a malformed header: 400 VALIDATION_FAILED;
 * - first use: the request runs; its response (status and JSON body) is stored for 24 h before
 *   it is sent. A 5xx is not stored: when no database COMMIT was sent for the request, nothing
 *   of it can have been committed and the key is released, so a retry runs it again; when a
 *   COMMIT was sent (e.g. the connection died during COMMIT, outcome unknown), the key stays
 *   "in progress" until it expires, so a retry can never run the work twice. A completion or
 *   release the database refuses (it is unreachable) is retried in the background until it
 *   lands (IdempotencyStore.settleWhenPossible), so a key is not stuck after an outage;
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
      (watch) => {
        if (watch) watch(next);
      },
      (err: unknown) => next(err),
    );
  };
}

/** Resolves to how the rest of the request runs (under a commit watch), or null when it is already answered. */
async function handle(
  store: IdempotencyStore,
  logger: Logger,
  req: Request,
  res: Response,
  raw: string | string[],
): Promise<((next: NextFunction) => void) | null> {
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
      return null;
    case 'claimed':
      return (next) => {
        const { commitSent } = watchCommits(() => next());
        storeResponseOf(store, logger, res, { organizationId, key, claimedAt: claim.claimedAt, commitSent });
      };
  }
}

interface Claimed {
  organizationId: string;
  key: string;
  claimedAt: string;
  /** Whether a COMMIT was sent to the database while the request ran (storage/commit-watch.ts). */
  commitSent: () => boolean;
}

/** Wraps `res.json` (every answer of these routes, success or error body) to store it before it is sent. */
function storeResponseOf(store: IdempotencyStore, logger: Logger, res: Response, c: Claimed): void {
  const send = res.json.bind(res);
  let done = false;
  res.json = (body: unknown) => {
    if (done) return send(body);
    done = true;
    const status = res.statusCode;
    if (status >= 500 && c.commitSent()) {
      // Its work may have been committed: kept claimed, so no retry can run it a second time.
      logger.warn(
        { requestId: res.req.requestId, status },
        'idempotency: the request failed after COMMIT was sent; its key stays in progress',
      );
      return send(body);
    }
    if (status >= 500) {
      // Sent at once: a 503 stays within DATABASE_TIMEOUT_MS even while the release waits for
      // the database (a retry meanwhile gets 409 IN_PROGRESS with Retry-After: 1).
      void store.settleWhenPossible(c.organizationId, c.key, c.claimedAt, { kind: 'release' });
      return send(body);
    }
    // Stored before it is sent, so a retry that follows the answer replays it.
    void store.settleWhenPossible(c.organizationId, c.key, c.claimedAt, { kind: 'complete', status, body }).then(() => send(body));
    return res;
  };
}
