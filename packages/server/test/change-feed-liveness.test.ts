import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedCache } from '../src/storage/feed-cache.js';
import { PgChangeFeed } from '../src/storage/pg-change-feed.js';
import { createTestDatabase, TEST_DATABASE_URL } from './harness.js';
import { sleep, waitFor } from './support/instances.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

// SPEC §7.4: the change feed proves itself alive by hearing its own heartbeat. A LISTEN
// connection that silently stops delivering (no RST) loses the caches' trust within
// FEED_LIVENESS_MS, and trust returns only with a fresh subscription, even when the old
// connection comes back to life.
describe.skipIf(!TEST_DATABASE_URL)('change-feed liveness (PostgreSQL)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let feed: PgChangeFeed;
  const statuses: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await startTcpProxy(db.url);
    feed = new PgChangeFeed({ connectionString: proxy.url, livenessMs: 400, timeoutMs: 1000, onStatus: (s) => statuses.push(s) });
    await feed.start();
  });
  afterAll(async () => {
    await feed?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('stops trusting the cache within the liveness bound of a silent cut, and trusts again only after resubscribing', async () => {
    expect(feed.status()).toBe('subscribed');
    const cache = new FeedCache<string>(feed, { keyOf: () => 'all' });
    expect(await cache.load('k', async () => 'v1')).toBe('v1');
    expect(cache.get('k')).toBe('v1');
    const before = feed.listenerPid;

    proxy.blackhole();
    const cutAt = performance.now();
    await waitFor('the feed to lose trust', async () => feed.status() === 'disconnected', 5000, 10);
    // Checked on lookup, whatever timers do: generous bound on a shared machine.
    expect(performance.now() - cutAt).toBeLessThan(400 + 1000);
    expect(cache.readThrough).toBe(true);
    expect(cache.get('k'), 'nothing served from the cache').toBeUndefined();
    expect(await cache.load('k', async () => 'v2')).toBe('v2');
    expect(cache.size, 'nothing stored while untrusted').toBe(0);
    await sleep(300);
    expect(feed.status()).toBe('disconnected');

    proxy.heal();
    await waitFor('a fresh subscription', async () => feed.status() === 'subscribed', 10_000, 20);
    expect(feed.listenerPid, 'a new LISTEN connection').not.toBe(before);
    expect(statuses).toEqual(expect.arrayContaining(['subscribed', 'disconnected']));
    expect(statuses.at(-1)).toBe('subscribed');
    expect(await cache.load('k', async () => 'v3')).toBe('v3');
    expect(cache.get('k')).toBe('v3');
  });
});
