import type { Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * The change feed of SPEC §7.2: a change that can reduce a credential's power is announced
 * as part of the transaction that writes it, and every instance evicts what it cached once
 * the transaction has committed. Use `commitWithChanges` (storage/change-transaction.ts)
 * rather than calling `announce`/`dispatchLocal` by hand.
 */
export type ChangeEvent =
  | { type: 'api_key'; keyId: string }
  | { type: 'organization'; organizationId: string }
  | { type: 'settings' }
  | { type: 'session'; sessionId: string }
  | { type: 'user'; userId: string };

export interface ChangeFeedListener {
  /** An event from this or another instance. */
  onEvent(event: ChangeEvent): void;
  /**
   * The feed lost (or regained) its subscription, or another process wrote the embedded
   * database: events may have been missed, so drop every
   * cached entry. While `status()` is `disconnected`, callers must read through, not cache.
   */
  onReset(): void;
}

export type ChangeFeedStatus = 'in-process' | 'subscribed' | 'disconnected';

export interface ChangeFeed {
  /**
   * Queues the announcement of changes inside the transaction that makes them. PostgreSQL
   * delivers NOTIFY only when that transaction commits, so other instances hear of exactly
   * the committed changes, and a process dying right after its commit cannot lose one.
   */
  announce(trx: Transaction<Database>, events: readonly ChangeEvent[]): Promise<void>;
  /** Runs this instance's own listeners, once the transaction has committed. */
  dispatchLocal(events: readonly ChangeEvent[]): void;
  subscribe(listener: ChangeFeedListener): () => void;
  /**
   * `disconnected` whenever events may be missed: no subscription, or (PostgreSQL) no proof of
   * liveness within FEED_LIVENESS_MS. Computed at each call, so callers check it per lookup.
   */
  status(): ChangeFeedStatus;
  lastEventAt(): Date | null;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Base with the listener bookkeeping both implementations share. */
export abstract class BaseChangeFeed implements ChangeFeed {
  readonly #listeners = new Set<ChangeFeedListener>();
  #lastEventAt: Date | null = null;

  abstract announce(trx: Transaction<Database>, events: readonly ChangeEvent[]): Promise<void>;
  abstract status(): ChangeFeedStatus;
  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  subscribe(listener: ChangeFeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  lastEventAt(): Date | null {
    return this.#lastEventAt;
  }

  dispatchLocal(events: readonly ChangeEvent[]): void {
    for (const e of events) this.dispatch(e);
  }

  protected dispatch(event: ChangeEvent): void {
    this.#lastEventAt = new Date();
    for (const l of this.#listeners) l.onEvent(event);
  }

  protected reset(): void {
    for (const l of this.#listeners) l.onReset();
  }
}

export interface InProcessChangeFeedOptions {
  /**
   * `PRAGMA data_version` of the server's SQLite connection (DatabaseHandle.dataVersion): it
   * changes when another process commits to the file. Unset: no other writer is watched.
   */
  dataVersion?: () => number;
  /** How often, in milliseconds, the data version is read. @default 25 */
  pollMs?: number;
}

/**
 * The embedded database has one server process: events are delivered in-process, so the feed
 * is trivially alive (SPEC §7.4). Other processes may still write the file: the CLI
 * (`member:set`, `key:create`, …) runs the same services against it, and its change events are
 * dispatched in the CLI's process, not here. So the server reads `PRAGMA data_version` every
 * `pollMs` (microseconds of work) and, when it moved, drops every cache. Clearing everything
 * rather than what changed is deliberate: the version says only *that* another connection
 * committed, and such writes are rare operator actions; every cache refills with one query per
 * entry, and nothing another process wrote is served stale for longer than one poll.
 */
export class InProcessChangeFeed extends BaseChangeFeed {
  #timer: NodeJS.Timeout | null = null;
  #version: number | null = null;

  constructor(private readonly options: InProcessChangeFeedOptions = {}) {
    super();
  }

  /** One process: nothing to tell anyone else; dispatchLocal does the work after commit. */
  async announce(): Promise<void> {}
  status(): ChangeFeedStatus {
    return 'in-process';
  }
  async start(): Promise<void> {
    const read = this.options.dataVersion;
    if (!read || this.#timer) return;
    this.#version = read();
    this.#timer = setInterval(() => this.#poll(read), this.options.pollMs ?? 25);
    this.#timer.unref();
  }
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #poll(read: () => number): void {
    let version: number;
    try {
      version = read();
    } catch {
      // The file cannot be read (closed, locked beyond the busy timeout): trust nothing cached.
      this.reset();
      return;
    }
    if (version === this.#version) return;
    this.#version = version;
    this.reset();
  }
}
