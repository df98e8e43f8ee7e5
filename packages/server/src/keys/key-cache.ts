import type { ChangeFeed, ChangeFeedListener } from '../storage/change-feed.js';
import type { KeyRecord } from './key-record.js';

export interface KeyCacheOptions {
  /** Hard maximum age of an entry, whatever the change feed says. @default 5000 */
  maxAgeMs?: number;
  /** Entries kept at most; the oldest are dropped first. @default 100000 */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  record: KeyRecord | null;
  loadedAt: number;
}

/**
 * Key records by id for the verification hot path (SPEC §7.2). Evicted by the change feed;
 * a generation counter stops a fill that raced with an eviction from resurrecting a revoked
 * key; while the feed is disconnected nothing is cached (fail closed: read through).
 */
export class KeyCache implements ChangeFeedListener {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  #generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    options: KeyCacheOptions = {},
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 5000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
    feed.subscribe(this);
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

  /**
   * The cached record (null = known not to exist), or undefined when the caller must load it.
   */
  get(id: string): KeyRecord | null | undefined {
    const e = this.#entries.get(id);
    if (!e) return undefined;
    if (this.#now() - e.loadedAt > this.#maxAgeMs || this.readThrough) {
      this.#entries.delete(id);
      return undefined;
    }
    return e.record;
  }

  /** Loads through the cache; `load` reads the database. */
  async load(id: string, load: (id: string) => Promise<KeyRecord | null>): Promise<KeyRecord | null> {
    const cached = this.get(id);
    if (cached !== undefined) return cached;
    for (let attempt = 0; attempt < 3; attempt++) {
      const generation = this.#generation;
      const loadedAt = this.#now();
      const record = await load(id);
      // An eviction arrived while we read: the row may predate the change; read again.
      if (generation !== this.#generation) continue;
      if (!this.readThrough) this.#set(id, { record, loadedAt });
      return record;
    }
    return load(id);
  }

  evict(id: string): void {
    this.#generation++;
    this.#entries.delete(id);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  onEvent(event: Parameters<ChangeFeedListener['onEvent']>[0]): void {
    if (event.type === 'api_key') this.evict(event.keyId);
    else if (event.type === 'organization') this.clear();
  }

  onReset(): void {
    this.clear();
  }

  #set(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
