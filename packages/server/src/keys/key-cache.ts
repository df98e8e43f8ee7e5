import type { ChangeFeed } from '../storage/change-feed.js';
import { FeedCache, type FeedCacheOptions } from '../storage/feed-cache.js';
import type { KeyRecord } from './key-record.js';

export type KeyCacheOptions = Omit<FeedCacheOptions, 'keyOf'>;

/**
 * Key records by id for the verification hot path (SPEC §7.2); null caches "no such key".
 * A key's own event evicts it; an organization event (offboarding) drops everything.
 */
export class KeyCache extends FeedCache<KeyRecord | null> {
  constructor(feed: ChangeFeed, options: KeyCacheOptions = {}) {
    super(feed, {
      ...options,
      keyOf: (e) => (e.type === 'api_key' ? e.keyId : e.type === 'organization' ? 'all' : null),
    });
  }
}
