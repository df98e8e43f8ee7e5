import type { DeepHealth } from '@payment-gateway/contract';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { KeyCache } from '../keys/key-cache.js';
import type { LimitStoreStatus } from '../limits/limit-store.js';
import { countKeysOnOlderPepper, type PepperUsage } from '../keys/pepper-usage.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import type { DatabaseHandle } from '../storage/database.js';
import { VERSION } from '../version.js';

export interface DeepHealthDeps {
  database: DatabaseHandle;
  feed: ChangeFeed;
  keyCache: KeyCache;
  startedAt: Date;
  /** Where the rate limits are counted (SPEC §7.3). */
  limits: { status(): LimitStoreStatus };
  /** The pepper versions this instance holds (API_KEY_PEPPER_VERSION, API_KEY_PEPPER_PREVIOUS). */
  pepper: { currentVersion: number; previousConfigured: boolean };
  /** The services' clock (which grace periods and expiries have ended). @default () => new Date() */
  now?: () => Date;
}

/**
 * GET /system/health: pings the database and reports the change feed, key cache and rate-limit store.
 * `degraded` when the database fails (the route answers 503), the feed is disconnected
 * (200: the instance still answers correctly, reading through its cache) or Redis is unreachable
 * (200: limits are counted per instance until it is back).
 */
export async function deepHealth(d: DeepHealthDeps): Promise<z.infer<typeof DeepHealth>> {
  const started = performance.now();
  const dbOk = await pingDatabase(d.database);
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const feedStatus = d.feed.status();
  const rateLimits = d.limits.status();
  const usage = dbOk ? await pepperUsage(d) : null;
  return {
    status: dbOk && feedStatus !== 'disconnected' && rateLimits.status === 'ok' ? 'ok' : 'degraded',
    version: VERSION,
    uptimeSeconds: Math.floor((Date.now() - d.startedAt.getTime()) / 1000),
    database: { status: dbOk ? 'ok' : 'error', dialect: d.database.dialect, latencyMs },
    changeFeed: { status: feedStatus, lastEventAt: d.feed.lastEventAt()?.toISOString() ?? null },
    cache: { entries: d.keyCache.size, maxAgeMs: d.keyCache.maxAgeMs, readThrough: d.keyCache.readThrough },
    rateLimits,
    apiKeyPepper: {
      currentVersion: d.pepper.currentVersion,
      previousConfigured: d.pepper.previousConfigured,
      keysOnOlderPepper: usage?.keysOnOlderPepper ?? null,
      graceSecretsOnOlderPepper: usage?.graceSecretsOnOlderPepper ?? null,
    },
  };
}

/** The pepper counts, or null when the database fails or takes longer than its timeout. */
async function pepperUsage(d: DeepHealthDeps): Promise<PepperUsage | null> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), d.database.timeoutMs);
  });
  const now = (d.now ?? (() => new Date()))().toISOString();
  const count = countKeysOnOlderPepper(d.database.db, d.pepper.currentVersion, now).catch(() => null);
  try {
    return await Promise.race([count, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * True when the database answers `select 1` within its timeout (DATABASE_TIMEOUT_MS). Never
 * rejects and never waits longer than the timeout, whatever the connection does.
 */
export async function pingDatabase(database: DatabaseHandle): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), database.timeoutMs);
  });
  const ping = sql`select 1`.execute(database.db).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export type Readiness = { ready: true } | { ready: false; reason: 'database' | 'change-feed' };

/**
 * GET /health/ready (SPEC §7.4): ready while the instance reaches its database and its change
 * feed is proven alive (`FEED_LIVENESS_MS`); a load balancer stops routing to it otherwise.
 * Answers within DATABASE_TIMEOUT_MS, and at once when the feed lapses during the ping.
 */
export async function readiness(d: Pick<DeepHealthDeps, 'database' | 'feed'>): Promise<Readiness> {
  const feedDown = () => d.feed.status() === 'disconnected';
  if (feedDown()) return { ready: false, reason: 'change-feed' };
  let poll: NodeJS.Timeout | undefined;
  const lapsed = new Promise<'lapsed'>((resolve) => {
    poll = setInterval(() => feedDown() && resolve('lapsed'), 50);
  });
  try {
    const outcome = await Promise.race([pingDatabase(d.database), lapsed]);
    if (outcome === 'lapsed' || feedDown()) return { ready: false, reason: 'change-feed' };
    return outcome ? { ready: true } : { ready: false, reason: 'database' };
  } finally {
    clearInterval(poll);
  }
}
