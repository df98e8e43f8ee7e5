/**
 * The change feed of SPEC §7.2: after a change that can reduce a credential's power is
 * committed, it is announced here and every instance evicts what it cached.
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
   * The feed lost (or regained) its subscription: events may have been missed, so drop every
   * cached entry. While `status()` is `disconnected`, callers must read through, not cache.
   */
  onReset(): void;
}

export type ChangeFeedStatus = 'in-process' | 'subscribed' | 'disconnected';

export interface ChangeFeed {
  /** Announce a committed change; local listeners run before this resolves. */
  publish(event: ChangeEvent): Promise<void>;
  subscribe(listener: ChangeFeedListener): () => void;
  status(): ChangeFeedStatus;
  lastEventAt(): Date | null;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Base with the listener bookkeeping both implementations share. */
export abstract class BaseChangeFeed implements ChangeFeed {
  readonly #listeners = new Set<ChangeFeedListener>();
  #lastEventAt: Date | null = null;

  abstract publish(event: ChangeEvent): Promise<void>;
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

  protected dispatch(event: ChangeEvent): void {
    this.#lastEventAt = new Date();
    for (const l of this.#listeners) l.onEvent(event);
  }

  protected reset(): void {
    for (const l of this.#listeners) l.onReset();
  }
}

/** The embedded database has one server process: events are delivered in-process. */
export class InProcessChangeFeed extends BaseChangeFeed {
  async publish(event: ChangeEvent): Promise<void> {
    this.dispatch(event);
  }
  status(): ChangeFeedStatus {
    return 'in-process';
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
