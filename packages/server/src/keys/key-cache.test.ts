import { describe, expect, it } from 'vitest';
import { BaseChangeFeed, InProcessChangeFeed, type ChangeFeedStatus } from '../storage/change-feed.js';
import { KeyCache } from './key-cache.js';
import { keyRecord } from '../../test/key-record-fixture.js';
import type { KeyRecord } from './key-record.js';

/** A feed whose subscription can be lost and regained, like the PostgreSQL one. */
class ControlledFeed extends BaseChangeFeed {
  state: ChangeFeedStatus = 'subscribed';
  async announce() {}
  status() {
    return this.state;
  }
  async start() {}
  async close() {}
  disconnect() {
    this.state = 'disconnected';
    this.reset();
  }
  reconnect() {
    this.state = 'subscribed';
    this.reset();
  }
}

function counter(record: () => KeyRecord | null) {
  let calls = 0;
  const load = async () => {
    calls++;
    return record();
  };
  return { load, calls: () => calls };
}

describe('KeyCache', () => {
  it('serves repeated lookups from memory, and negative results too', async () => {
    const cache = new KeyCache(new InProcessChangeFeed());
    const l = counter(() => keyRecord());
    await cache.load('a', l.load);
    await cache.load('a', l.load);
    expect(l.calls()).toBe(1);
    const miss = counter(() => null);
    expect(await cache.load('b', miss.load)).toBeNull();
    expect(await cache.load('b', miss.load)).toBeNull();
    expect(miss.calls()).toBe(1);
  });

  it('evicts an entry on its change-feed event, and everything on an organization event or reset', async () => {
    const feed = new InProcessChangeFeed();
    const cache = new KeyCache(feed);
    let status: 'active' | 'revoked' = 'active';
    const load = async () => keyRecord({ status });
    await cache.load('a', load);
    status = 'revoked';
    expect((await cache.load('a', load))!.status).toBe('active');
    feed.dispatchLocal([{ type: 'api_key', keyId: 'a' }]);
    expect((await cache.load('a', load))!.status).toBe('revoked');
    await cache.load('b', load);
    expect(cache.size).toBe(2);
    feed.dispatchLocal([{ type: 'organization', organizationId: 'org_x' }]);
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entries beyond maxEntries', async () => {
    const cache = new KeyCache(new InProcessChangeFeed(), { maxEntries: 2 });
    const l = counter(() => keyRecord());
    for (const id of ['a', 'b', 'c']) await cache.load(id, l.load);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('never serves an entry older than maxAgeMs, whatever the feed says', async () => {
    let t = 1_000_000;
    const cache = new KeyCache(new InProcessChangeFeed(), { maxAgeMs: 5000, now: () => t });
    const l = counter(() => keyRecord());
    await cache.load('a', l.load);
    t += 5000;
    await cache.load('a', l.load);
    expect(l.calls()).toBe(1);
    t += 1;
    await cache.load('a', l.load);
    expect(l.calls()).toBe(2);
  });

  it('a fill that raced with an eviction does not cache the stale record (generation counter)', async () => {
    const feed = new InProcessChangeFeed();
    const cache = new KeyCache(feed);
    let stored = keyRecord({ status: 'active' });
    let first = true;
    const load = async () => {
      const snapshot = stored;
      if (first) {
        first = false;
        // The read saw the row before the revoke committed; the revoke's eviction arrives mid-fill.
        stored = keyRecord({ status: 'revoked' });
        feed.dispatchLocal([{ type: 'api_key', keyId: 'a' }]);
      }
      return snapshot;
    };
    expect((await cache.load('a', load))!.status).toBe('revoked');
    expect(cache.get('a')!.status).toBe('revoked');
  });

  it('gives up caching under a storm of evictions but still answers from the database', async () => {
    const feed = new InProcessChangeFeed();
    const cache = new KeyCache(feed);
    const load = async () => {
      feed.dispatchLocal([{ type: 'api_key', keyId: 'other' }]);
      return keyRecord();
    };
    expect(await cache.load('a', load)).not.toBeNull();
    expect(cache.get('a')).toBeUndefined();
  });

  it('reads through (caches nothing) while the feed is disconnected, and caches again after resubscribing', async () => {
    const feed = new ControlledFeed();
    const cache = new KeyCache(feed);
    let status: 'active' | 'revoked' = 'active';
    const l = counter(() => keyRecord({ status }));
    await cache.load('a', l.load);
    feed.disconnect();
    expect(cache.size).toBe(0);
    expect(cache.readThrough).toBe(true);
    await cache.load('a', l.load);
    status = 'revoked';
    // A revoke whose event was lost is still seen at once: nothing is cached.
    expect((await cache.load('a', l.load))!.status).toBe('revoked');
    expect(l.calls()).toBe(3);
    expect(cache.size).toBe(0);
    feed.reconnect();
    await cache.load('a', l.load);
    await cache.load('a', l.load);
    expect(l.calls()).toBe(4);
  });
});
