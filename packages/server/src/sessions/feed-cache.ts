import type { ChangeEvent, ChangeFeed } from '../storage/change-feed.js';

export interface FeedCacheOptions {
  /** Hard maximum age of an entry, whatever the change feed says. @default 5000 */
  maxAgeMs?: number;
  /** Entries kept at most; the oldest are dropped first. @default 50000 */
  maxEntries?: number;
  /**
   * Which entry a change-feed event invalidates: its key, `'all'`, or null when unrelated.
   * @example (e) => (e.type === 'session' ? e.sessionId : null)
   */
  keyOf: (event: ChangeEvent) => string | 'all' | null;
}

/**
 * A small read-through cache evicted by the change feed (like the key cache of SPEC §7.2):
 * entries live at most `maxAgeMs`, a generation counter keeps a fill that raced with an
 * eviction from being stored, and nothing is cached while the feed is disconnected.
 */
export class FeedCache<V> {
  readonly #entries = new Map<string, { value: V; at: number }>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  #generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    options: FeedCacheOptions,
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#maxEntries = options.maxEntries ?? 50_000;
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

  async load(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    const readThrough = this.feed.status() === 'disconnected';
    if (hit && !readThrough && Date.now() - hit.at <= this.#maxAgeMs) return hit.value;
    this.#entries.delete(key);
    const generation = this.#generation;
    const at = Date.now();
    const value = await load();
    if (generation === this.#generation && !readThrough) {
      this.#entries.set(key, { value, at });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
    }
    return value;
  }

  evict(key: string): void {
    this.#generation++;
    this.#entries.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
