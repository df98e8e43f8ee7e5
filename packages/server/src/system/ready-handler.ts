import { AppError } from '../errors/app-error.js';
import type { LimitStoreStatus } from '../limits/limit-store.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import type { DatabaseHandle } from '../storage/database.js';
import { readiness } from './health-service.js';

/**
 * The handler of GET /health/ready: 200 `{ status: 'ready', rateLimits }`, or the one error body
 * with 503 SERVICE_UNAVAILABLE and Retry-After naming what is down (SPEC §7.4). An unreachable
 * Redis is reported in `rateLimits` but never makes it fail: limits degrade to per instance (§7.3).
 * @throws AppError SERVICE_UNAVAILABLE while the database or the change feed is down
 */
export function readyHandler(d: { database: DatabaseHandle; feed: ChangeFeed; limits: { status(): LimitStoreStatus } }) {
  return async () => {
    const r = await readiness(d);
    if (!r.ready) {
      const what = r.reason === 'database' ? 'The database does not answer' : 'The change feed is not proven alive';
      throw new AppError('SERVICE_UNAVAILABLE', `${what}; this instance is not ready.`, { reason: r.reason }, { 'Retry-After': '1' });
    }
    return { status: 200 as const, body: { status: 'ready' as const, rateLimits: d.limits.status() } };
  };
}
