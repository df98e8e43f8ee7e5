import { performance } from 'node:perf_hooks';
import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { BaseChangeFeed, type ChangeEvent, type ChangeFeedStatus } from './change-feed.js';
import type { Database } from './schema.js';

export const CHANGE_CHANNEL = 'gateway_changes';
/** `application_name` of the LISTEN connection, so operators can find it in `pg_stat_activity`. */
export const CHANGE_FEED_APPLICATION_NAME = 'gateway-change-feed';

export interface PgChangeFeedOptions {
  connectionString: string;
  /**
   * How long, in milliseconds, the subscription is trusted without proof that it still
   * delivers: past it every cache reads through and the connection is replaced (SPEC §7.4,
   * FEED_LIVENESS_MS). @default 1000
   */
  livenessMs?: number;
  /** Interval of the heartbeat NOTIFY. @default livenessMs / 4 */
  heartbeatMs?: number;
  /** Bound on connecting and on each query of the LISTEN connection (DATABASE_TIMEOUT_MS). @default 2000 */
  timeoutMs?: number;
  /** Delay before a reconnect attempt, doubled up to maxReconnectDelayMs. @default 100 */
  reconnectDelayMs?: number;
  /** @default 1000 */
  maxReconnectDelayMs?: number;
  /** Called with connection errors (for logging). */
  onError?: (err: Error) => void;
  /** Called when the subscription state changes. */
  onStatus?: (status: ChangeFeedStatus) => void;
}

interface Payload {
  /** Origin: the instance that sent it. */
  o: string;
  /** A change, or… */
  e?: ChangeEvent;
  /** …a heartbeat's sequence number. */
  h?: number;
}

/**
 * PostgreSQL LISTEN/NOTIFY change feed for many instances (SPEC §7.2, §7.4). One dedicated
 * connection LISTENs; when it drops, every listener resets (caches dropped, read-through)
 * until a fresh subscription is proven.
 *
 * Liveness: a connection can die silently (packets dropped, no RST), and then no eviction
 * arrives while the caches keep serving. So the instance NOTIFYs a heartbeat on its own
 * connection every `heartbeatMs` and waits to hear it. PostgreSQL delivers notifications in
 * commit order, so hearing a heartbeat sent at time `s` proves that every change committed
 * before `s` has been heard (and evicted). The feed is trusted only while the last heard
 * heartbeat was sent less than `livenessMs` ago; a change committed at `r` is therefore
 * either evicted or no longer trusted by `r + livenessMs`, whatever the fault. `status()`
 * computes this at the moment of each lookup, so a stalled timer cannot extend trust. Past
 * the bound the connection is replaced, and trust returns only when the new connection has
 * LISTENed and heard its own heartbeat; every cache is cleared at that moment (anything
 * announced in between was missed).
 */
export class PgChangeFeed extends BaseChangeFeed {
  #client: pg.Client | null = null;
  /** True from the first heartbeat heard on a fresh subscription until it is lost. */
  #trusted = false;
  /** performance.now() when the last heard heartbeat (or the connection, until one is heard) was sent. */
  #provenAt = 0;
  #reported: ChangeFeedStatus = 'disconnected';
  #closed = false;
  #delay: number;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #seq = 0;
  readonly #sent = new Map<number, number>();
  #heartbeatInFlight = false;
  #trustWaiters: (() => void)[] = [];
  /** Loaded in start(), so pg is only loaded when PostgreSQL is configured. */
  #pg: typeof pg | null = null;
  /** Identifies this process's own NOTIFYs so local listeners are not run twice. */
  readonly #origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  readonly #livenessMs: number;
  readonly #timeoutMs: number;

  constructor(private readonly options: PgChangeFeedOptions) {
    super();
    this.#delay = options.reconnectDelayMs ?? 100;
    this.#livenessMs = options.livenessMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  status(): ChangeFeedStatus {
    return this.#trusted && performance.now() - this.#provenAt <= this.#livenessMs ? 'subscribed' : 'disconnected';
  }

  /** Backend pid of the LISTEN connection while connected (health reports, fault tests). */
  get listenerPid(): number | null {
    return (this.#client as (pg.Client & { processID?: number }) | null)?.processID ?? null;
  }

  /** Connects, and waits (at most DATABASE_TIMEOUT_MS) for the subscription to be proven; never throws. */
  async start(): Promise<void> {
    this.#pg ??= (await import('pg')).default;
    const heartbeatMs = this.options.heartbeatMs ?? Math.max(10, Math.floor(this.#livenessMs / 4));
    this.#heartbeatTimer = setInterval(() => this.#tick(), heartbeatMs);
    this.#heartbeatTimer.unref();
    const trusted = new Promise<void>((resolve) => this.#trustWaiters.push(resolve));
    await this.#connect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([trusted, new Promise<void>((r) => (timer = setTimeout(r, this.#timeoutMs)))]);
    clearTimeout(timer);
  }

  async announce(trx: Transaction<Database>, events: readonly ChangeEvent[]): Promise<void> {
    for (const e of events) {
      await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify({ o: this.#origin, e } satisfies Payload)})`.execute(trx);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    const client = this.#client;
    this.#client = null;
    this.#trusted = false;
    await client?.end().catch(() => {});
  }

  #report(status: ChangeFeedStatus): void {
    if (this.#reported === status) return;
    this.#reported = status;
    this.options.onStatus?.(status);
  }

  /** Heartbeat timer: notices a lapsed subscription and sends the next heartbeat. */
  #tick(): void {
    const client = this.#client;
    if (this.#closed || !client) return;
    if (performance.now() - this.#provenAt > this.#livenessMs) {
      this.#lost(client, new Error(`change feed heartbeat not heard within ${this.#livenessMs} ms`));
      return;
    }
    if (this.#heartbeatInFlight) return;
    this.#heartbeatInFlight = true;
    const seq = ++this.#seq;
    this.#sent.set(seq, performance.now());
    client.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify({ o: this.#origin, h: seq } satisfies Payload)]).then(
      () => (this.#heartbeatInFlight = false),
      (err: Error) => {
        this.#heartbeatInFlight = false;
        this.#lost(client, err);
      },
    );
  }

  #heard(client: pg.Client, seq: number): void {
    const sentAt = this.#sent.get(seq);
    for (const s of this.#sent.keys()) if (s <= seq) this.#sent.delete(s);
    if (sentAt === undefined || client !== this.#client) return;
    this.#provenAt = Math.max(this.#provenAt, sentAt);
    if (this.#trusted) return;
    // A fresh subscription, proven: start from an empty cache (changes made before LISTEN
    // were missed), then trust it.
    this.#trusted = true;
    this.#delay = this.options.reconnectDelayMs ?? 100;
    this.reset();
    this.#report('subscribed');
    for (const w of this.#trustWaiters.splice(0)) w();
  }

  /** The subscription is gone or unproven: fail closed, drop the connection, reconnect. */
  #lost(client: pg.Client, err?: Error): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#trusted = false;
    this.#heartbeatInFlight = false;
    this.#sent.clear();
    if (err) this.options.onError?.(err);
    this.#report('disconnected');
    this.reset();
    destroy(client);
    this.#scheduleReconnect();
  }

  async #connect(): Promise<void> {
    const client = new this.#pg!.Client({
      connectionString: this.options.connectionString,
      application_name: CHANGE_FEED_APPLICATION_NAME,
      keepAlive: true,
      connectionTimeoutMillis: this.#timeoutMs,
      query_timeout: this.#timeoutMs,
    });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANGE_CHANNEL || !msg.payload) return;
      let payload: Payload;
      try {
        payload = JSON.parse(msg.payload) as Payload;
      } catch {
        // A malformed payload cannot be trusted to name what changed: drop everything.
        this.reset();
        return;
      }
      if (payload.o !== this.#origin) {
        if (payload.e) this.dispatch(payload.e);
      } else if (typeof payload.h === 'number') {
        this.#heard(client, payload.h);
      }
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      destroy(client);
      this.options.onError?.(err as Error);
      this.#report('disconnected');
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    // Connected but not trusted yet: the first heartbeat heard on it proves it.
    this.#client = client;
    this.#provenAt = performance.now();
    this.#tick();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#reconnectTimer) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.options.maxReconnectDelayMs ?? 1000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#connect();
    }, delay);
    this.#reconnectTimer.unref();
  }
}

/** Ends a connection at once: a graceful end would wait on a socket that may never answer. */
function destroy(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  void client.end().catch(() => {});
  stream?.destroy();
}
