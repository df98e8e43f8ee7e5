import type { DeepHealth } from '@payment-gateway/contract';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { KeyCache } from '../keys/key-cache.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import type { DatabaseHandle } from '../storage/database.js';
import { VERSION } from '../version.js';

export interface DeepHealthDeps {
  database: DatabaseHandle;
  feed: ChangeFeed;
  keyCache: KeyCache;
  startedAt: Date;
}

/**
 * GET /system/health: pings the database and reports the change feed and key cache.
 * `degraded` when the database fails (the route answers 503) or the feed is disconnected
 * (200: the instance still answers correctly, reading through its cache).
 */
export async function deepHealth(d: DeepHealthDeps): Promise<z.infer<typeof DeepHealth>> {
  const started = performance.now();
  let dbOk = true;
  try {
    await sql`select 1`.execute(d.database.db);
  } catch {
    dbOk = false;
  }
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const feedStatus = d.feed.status();
  return {
    status: dbOk && feedStatus !== 'disconnected' ? 'ok' : 'degraded',
    version: VERSION,
    uptimeSeconds: Math.floor((Date.now() - d.startedAt.getTime()) / 1000),
    database: { status: dbOk ? 'ok' : 'error', dialect: d.database.dialect, latencyMs },
    changeFeed: { status: feedStatus, lastEventAt: d.feed.lastEventAt()?.toISOString() ?? null },
    cache: { entries: d.keyCache.size, maxAgeMs: d.keyCache.maxAgeMs, readThrough: d.keyCache.readThrough },
  };
}
