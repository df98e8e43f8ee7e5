import type { ChangeEvent, ChangeFeed } from './change-feed.js';

export interface FeedCacheOptions {
  /** Hard maximum age of an entry, whatever the change feed says. @default 5000 */
  maxAgeMs?: number;
  /** Entries kept at most; the oldest are dropped first. @default 100000 */
  maxEntries?: number;
  /**
   * Which entry a change-feed event invalidates: its key, `'all'`, or null when unrelated.
   * @example (e) => (e.type === 'session' ? e.sessionId : null)
   */
  keyOf: (event: ChangeEvent) => string | 'all' | null;
  /** Clock in milliseconds (tests). @default Date.now */
  now?: () => number;
}

const FILL_ATTEMPTS = 3;

/**
 * A read-through cache evicted by the change feed (SPEC §7.2), shared by every auth-path
 * lookup (keys, sessions, users, organization status):
 * - entries live at most `maxAgeMs`, whatever the feed says;
 * - a generation counter, bumped by every eviction, stops a fill that raced with an eviction
 *   from storing what it read (the row may predate the change): it reads again instead;
 * - while the feed is disconnected, or not proven alive within FEED_LIVENESS_MS (SPEC §7.4,
 *   see PgChangeFeed), nothing is served from or stored in the cache and every lookup reads
 *   the database (fail closed, and 503 within DATABASE_TIMEOUT_MS when that fails too), since
 *   an eviction may have been missed. Trust is checked on every lookup.
 */
export class FeedCache<V extends NonNullable<unknown> | null> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    options: FeedCacheOptions,
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    feed.subscribe({
      onEvent: (e) => {
        const key = options.keyOf(e);
        if (key === 'all') this.clear();
        else if (key !== null) this.evict(key);
      },
      onReset: () => this.clear(),
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  get maxAgeMs(): number {
    return this.#maxAgeMs;
  }

  /** True while the feed cannot be trusted: every lookup goes to the database. */
  get readThrough(): boolean {
    return this.feed.status() === 'disconnected';
  }

  /** The cached value, or undefined when it must be loaded. */
  get(key: string): V | undefined {
    const hit = this.#entries.get(key);
    if (!hit) return undefined;
    if (this.readThrough || this.#now() - hit.at > this.#maxAgeMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** The cached value, or what `load` reads (cached unless an eviction raced with it). */
  async load(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    for (let attempt = 0; attempt < FILL_ATTEMPTS; attempt++) {
      const generation = this.#generation;
      const at = this.#now();
      const value = await load();
      if (generation !== this.#generation) continue;
      if (!this.readThrough) this.#set(key, value, at);
      return value;
    }
    // Evictions keep arriving: answer from the database without caching.
    return load();
  }

  evict(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  #set(key: string, value: V, at: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, at });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
