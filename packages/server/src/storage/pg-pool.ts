import type { PostgresPool } from 'kysely';
import { CircuitBreaker, isTimeout } from './circuit-breaker.js';

export interface PgPoolOptions {
  connectionString: string;
  /** Connections at most. @default 10 */
  max: number;
  /**
   * Longest wait, in milliseconds, for anything the database does: acquiring a connection
   * (connecting included), one statement on the server, one round trip on the client (SPEC §7.4).
   */
  timeoutMs: number;
  /** Called with errors of connections nobody is waiting on (for logging). */
  onConnectionError?: (err: Error) => void;
}

/** What node-postgres answers when `query_timeout` fires: the connection is then unusable. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * The PostgreSQL pool of SPEC §7.4: no database fault ends the process and nothing waits
 * longer than `timeoutMs`. pg is loaded on first use, only when PostgreSQL is configured: the
 * embedded default starts faster without it.
 * - Every client gets an `error` listener for its whole life, not only while idle (pg-pool's
 *   own listener is removed while a client is checked out, so a backend terminated under a
 *   query used to end the process with "Unhandled 'error' event"). The query in flight still
 *   fails, and pg-pool discards the broken client when it is released.
 * - `connectionTimeoutMillis` bounds both waiting for a free client and connecting;
 *   `statement_timeout` stops the server working on an abandoned statement; `query_timeout`
 *   bounds the client's wait when no answer comes at all (a silently dropped connection sends
 *   no RST; TCP keepalive alone takes minutes to notice). A client whose query timed out is
 *   ended at once: its socket may still deliver the late answer, and the next user must not
 *   queue behind it.
 * - After a timeout, a circuit breaker (circuit-breaker.ts) fails further checkouts at once
 *   until a probe on a fresh connection gets an answer again.
 */
export async function createPgPool(o: PgPoolOptions): Promise<PostgresPool> {
  const { default: pg } = await import('pg');
  // Timestamps and booleans are stored portably; make pg return int8 (bigserial) as numbers.
  pg.types.setTypeParser(20, (v) => Number(v));

  let circuit: CircuitBreaker | null = null;
  class BoundedClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: pg.Client#query is overloaded; this override must fit every overload
    override query(...args: unknown[]): any {
      const result = (super.query as (...a: unknown[]) => unknown)(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((err: unknown) => {
          if (err instanceof Error && err.message === QUERY_READ_TIMEOUT) {
            void this.end().catch(() => {});
            circuit?.trip();
          }
          throw err;
        });
      }
      return result;
    }
  }
  const settings = { connectionString: o.connectionString, connectionTimeoutMillis: o.timeoutMs, query_timeout: o.timeoutMs };
  circuit = new CircuitBreaker({
    probe: async () => {
      const client = new BoundedClient(settings);
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        return true;
      } catch {
        return false;
      } finally {
        void client.end().catch(() => {});
      }
    },
  });

  const pool = new pg.Pool({
    ...settings,
    max: o.max,
    Client: BoundedClient,
    statement_timeout: o.timeoutMs,
    // A transaction left open by a client that vanished releases its locks on its own.
    idle_in_transaction_session_timeout: Math.max(5 * o.timeoutMs, 10_000),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  const onError = (err: Error) => o.onConnectionError?.(err);
  // Idle clients: pg-pool re-emits their errors on the pool.
  pool.on('error', onError);
  // Checked-out clients: a listener for the client's whole life (see above).
  pool.on('connect', (client) => client.on('error', onError));
  const breaker = circuit;
  return {
    async connect() {
      breaker.check();
      try {
        return await pool.connect();
      } catch (err) {
        if (isTimeout(err)) breaker.trip();
        throw err;
      }
    },
    async end() {
      breaker.stop();
      await pool.end();
    },
  };
}
