import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { BaseChangeFeed, type ChangeEvent, type ChangeFeedStatus } from './change-feed.js';
import type { Database } from './schema.js';

export const CHANGE_CHANNEL = 'gateway_changes';
/** `application_name` of the LISTEN connection, so operators can find it in `pg_stat_activity`. */
export const CHANGE_FEED_APPLICATION_NAME = 'gateway-change-feed';

export interface PgChangeFeedOptions {
  connectionString: string;
  /** Delay before a reconnect attempt, doubled up to maxReconnectDelayMs. @default 100 */
  reconnectDelayMs?: number;
  /** @default 2000 */
  maxReconnectDelayMs?: number;
  /** Called with connection errors (for logging). */
  onError?: (err: Error) => void;
  /** Called when the subscription state changes. */
  onStatus?: (status: ChangeFeedStatus) => void;
}

/**
 * PostgreSQL LISTEN/NOTIFY change feed for many instances. One dedicated connection LISTENs;
 * when it drops, every listener resets (caches dropped, read-through) until it is back.
 */
export class PgChangeFeed extends BaseChangeFeed {
  #client: pg.Client | null = null;
  #status: ChangeFeedStatus = 'disconnected';
  #closed = false;
  #delay: number;
  #timer: NodeJS.Timeout | null = null;
  /** Loaded in start(), so pg is only loaded when PostgreSQL is configured. */
  #pg: typeof pg | null = null;
  /** Identifies this process's own NOTIFYs so local listeners are not run twice. */
  readonly #origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly options: PgChangeFeedOptions) {
    super();
    this.#delay = options.reconnectDelayMs ?? 100;
  }

  status(): ChangeFeedStatus {
    return this.#status;
  }

  /** Backend pid of the LISTEN connection while subscribed (health reports, fault tests). */
  get listenerPid(): number | null {
    return (this.#client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  async start(): Promise<void> {
    this.#pg ??= (await import('pg')).default;
    await this.#connect();
  }

  async announce(trx: Transaction<Database>, events: readonly ChangeEvent[]): Promise<void> {
    for (const e of events) {
      await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify({ o: this.#origin, e })})`.execute(trx);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  #setStatus(status: ChangeFeedStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.options.onStatus?.(status);
  }

  async #connect(): Promise<void> {
    // keepAlive: a silently dropped connection (no RST) must still end in a reset.
    const client = new this.#pg!.Client({ connectionString: this.options.connectionString, application_name: CHANGE_FEED_APPLICATION_NAME, keepAlive: true });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
      try {
        const { o, e } = JSON.parse(msg.payload) as { o: string; e: ChangeEvent };
        if (o !== this.#origin) this.dispatch(e);
      } catch {
        // A malformed payload cannot be trusted to name what changed: drop everything.
        this.reset();
      }
    });
    const lost = (err?: Error) => {
      if (this.#client !== client) return;
      this.#client = null;
      if (err) this.options.onError?.(err);
      this.#setStatus('disconnected');
      this.reset();
      client.end().catch(() => {});
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      client.end().catch(() => {});
      this.options.onError?.(err as Error);
      this.#setStatus('disconnected');
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#delay = this.options.reconnectDelayMs ?? 100;
    // Anything announced while we were away was missed: start from an empty cache.
    this.reset();
    this.#setStatus('subscribed');
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.options.maxReconnectDelayMs ?? 2000);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
    this.#timer.unref();
  }
}
