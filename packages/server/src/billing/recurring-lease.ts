import type { Kysely } from 'kysely';
import { isDatabaseUnavailable } from '../storage/database-unavailable.js';
import type { Database } from '../storage/schema.js';

/**
 * A lease row (`recurring_leases`, migration 006): at most one holder at a time across every
 * server instance and CLI process sharing the database, on SQLite and PostgreSQL alike. Taking
 * it is one conditional UPDATE whose row count decides, so of any number of concurrent takers
 * exactly one wins. A holder that dies leaves a lease that expires after `ttlMs`.
 *
 * The lease only avoids duplicate work: what makes a period generate one invoice is the unique
 * (schedule, period) index, which holds even if two runs ever overlapped (SPEC §5).
 */
export class Lease {
  readonly #db: Kysely<Database>;
  readonly #name: string;
  readonly #ttlMs: number;
  readonly #now: () => Date;

  constructor(deps: { db: Kysely<Database>; name: string; ttlMs: number; now: () => Date }) {
    this.#db = deps.db;
    this.#name = deps.name;
    this.#ttlMs = deps.ttlMs;
    this.#now = deps.now;
  }

  /** Takes the lease for `owner` when it is free or expired; true when taken. */
  async acquire(owner: string): Promise<boolean> {
    const now = this.#now();
    const res = await this.#db
      .updateTable('recurring_leases')
      .set({ owner, expires_at: this.#until(now) })
      .where('name', '=', this.#name)
      .where((eb) => eb.or([eb('owner', 'is', null), eb('expires_at', 'is', null), eb('expires_at', '<=', now.toISOString())]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Extends the lease while `owner` still holds it; false when it was lost (expired and taken). */
  async renew(owner: string): Promise<boolean> {
    const res = await this.#db
      .updateTable('recurring_leases')
      .set({ expires_at: this.#until(this.#now()) })
      .where('name', '=', this.#name)
      .where('owner', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Frees the lease if `owner` holds it. */
  async release(owner: string): Promise<void> {
    await this.#db
      .updateTable('recurring_leases')
      .set({ owner: null, expires_at: null })
      .where('name', '=', this.#name)
      .where('owner', '=', owner)
      .execute();
  }

  /**
   * `release`, and when the database refuses it (a fault that ended the run often outlasts it),
   * again every second until it succeeds or the lease would have expired anyway, so a run cut
   * off by an outage does not block every run for the lease's whole TTL after the database is
   * back. Fenced by `owner`: a lease someone else took meanwhile is left alone. Never rejects.
   */
  releaseWhenPossible(owner: string): Promise<void> {
    const giveUpAt = this.#now().getTime() + this.#ttlMs;
    const attempt = (): Promise<void> =>
      this.release(owner).catch((err: unknown) => {
        // Only faults that pass are retried (not, e.g., a database closed at shutdown).
        if (!isDatabaseUnavailable(err) || this.#now().getTime() >= giveUpAt) return;
        const timer = setTimeout(() => void attempt(), RELEASE_RETRY_MS);
        timer.unref();
      });
    return attempt();
  }

  /** True while someone holds an unexpired lease. */
  async held(): Promise<boolean> {
    const row = await this.#db.selectFrom('recurring_leases').selectAll().where('name', '=', this.#name).executeTakeFirst();
    return !!row?.owner && !!row.expires_at && row.expires_at > this.#now().toISOString();
  }

  #until(now: Date): string {
    return new Date(now.getTime() + this.#ttlMs).toISOString();
  }
}

/** Pause between attempts to release a lease whose release failed. */
const RELEASE_RETRY_MS = 1000;
