import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isDatabaseUnavailable } from '../storage/database-unavailable.js';
import type { Database } from '../storage/schema.js';

/** How long a key and its stored response last (SPEC §5): 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The outcome of presenting an Idempotency-Key:
 * - `claimed`: first use (or the earlier one expired): run the request, then `complete` or `release`;
 *   `claimedAt` (the stored created_at) tells this claim from a later one of the same key;
 * - `replay`: the same request already finished: answer its stored status and body;
 * - `in_progress`: the same key is being processed right now (a concurrent duplicate);
 * - `mismatch`: the key was used with another request (method, path or body).
 */
export type IdempotencyClaim =
  | { kind: 'claimed'; claimedAt: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** A stable text form of a JSON value: object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What identifies "the same request": method, path and canonical body, hashed (hex SHA-256). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body ?? {})}`)
    .digest('hex');
}

/**
 * Stored responses of Idempotency-Key requests, per organization (SPEC §5). A claim is one
 * INSERT on the (organization, key) primary key, so of concurrent duplicates exactly one claims
 * the key on both dialects; the others see it in progress. Transport-free: the HTTP middleware
 * (http/idempotency.ts) decides which routes use it.
 */
export class IdempotencyStore {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #pending = new Map<string, PendingSettle>();
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  readonly #lateCommitMs: number;

  /**
   * `lateCommitMs`: how long after a claim's INSERT failed it may still commit on the server
   * (twice DATABASE_TIMEOUT_MS: the statement reaches the server within the client's wait and
   * runs at most `statement_timeout`). @default 4000
   */
  constructor(deps: { db: Kysely<Database>; now?: () => Date; lateCommitMs?: number }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
    this.#lateCommitMs = deps.lateCommitMs ?? 4000;
  }

  async claim(organizationId: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const now = this.#now();
    const at = now.toISOString();
    // Expired keys of this organization are gone before the claim, so an old key starts afresh.
    await this.#db.deleteFrom('idempotency_keys').where('organization_id', '=', organizationId).where('expires_at', '<=', at).execute();
    const inserted = await this.#db
      .insertInto('idempotency_keys')
      .values({
        organization_id: organizationId,
        idempotency_key: key,
        request_hash: requestHash,
        state: 'in_progress',
        response_status: null,
        response_body: null,
        created_at: at,
        expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS).toISOString(),
      })
      .onConflict((oc) => oc.columns(['organization_id', 'idempotency_key']).doNothing())
      .executeTakeFirst()
      .catch((err: unknown) => {
        // The claim may still commit on the server (its answer was lost, or it waited on a lock):
        // the request never ran, so that claim is released once it can no longer be committing.
        if (isDatabaseUnavailable(err))
          this.#enqueue({ organizationId, key, claimedAt: at, requestHash, outcome: { kind: 'release' } }, this.#lateCommitMs);
        throw err;
      });
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'claimed', claimedAt: at };
    const row = await this.#db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('organization_id', '=', organizationId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    // Released between our insert and this read: the caller may simply try again.
    if (!row) return { kind: 'in_progress' };
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.state === 'completed' && row.response_status !== null)
      return { kind: 'replay', status: row.response_status, body: row.response_body === null ? undefined : JSON.parse(row.response_body) };
    return { kind: 'in_progress' };
  }

  /**
   * Stores the response of the claim made at `claimedAt`; later requests with the key get this
   * response again.
   * @throws database errors (unreachable: see isDatabaseUnavailable)
   */
  async complete(organizationId: string, key: string, claimedAt: string, status: number, body: unknown): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', response_status: status, response_body: body === undefined ? null : JSON.stringify(body) })
      .where('organization_id', '=', organizationId)
      .where('idempotency_key', '=', key)
      .where('state', '=', 'in_progress')
      .where('created_at', '=', claimedAt)
      .execute();
  }

  /**
   * Forgets the claim made at `claimedAt` (never a later claim of the same key, should this run
   * late), so a retry runs the request again. Only for a request that failed on our side (5xx)
   * before anything was committed.
   * @throws database errors (unreachable: see isDatabaseUnavailable)
   */
  async release(organizationId: string, key: string, claimedAt: string, requestHash?: string): Promise<void> {
    let q = this.#db
      .deleteFrom('idempotency_keys')
      .where('organization_id', '=', organizationId)
      .where('idempotency_key', '=', key)
      .where('state', '=', 'in_progress')
      .where('created_at', '=', claimedAt);
    if (requestHash !== undefined) q = q.where('request_hash', '=', requestHash);
    await q.execute();
  }

  /**
   * `complete` or `release` the claim, and when that fails (a database fault often outlasts the
   * request it failed) again every `SETTLE_RETRY_MS` until it succeeds, the claim expires, or
   * `stop()`. Without this, a key whose request met a database outage stayed "in progress" for
   * 24 h after the outage ended (every retry got 409). At most `MAX_PENDING` claims wait;
   * beyond that a key stays claimed until it expires: the safe side, never run twice.
   * Never rejects.
   */
  settleWhenPossible(organizationId: string, key: string, claimedAt: string, outcome: IdempotencyOutcome): Promise<void> {
    const entry: PendingSettle = { organizationId, key, claimedAt, outcome };
    return this.#settle(entry).catch(() => this.#enqueue(entry, 0));
  }

  #enqueue(entry: PendingSettle, delayMs: number): void {
    if (this.#stopped || this.#pending.size >= MAX_PENDING) return;
    this.#pending.set(`${entry.organizationId}\n${entry.key}\n${entry.claimedAt}`, { ...entry, notBefore: Date.now() + delayMs });
    this.#schedule();
  }

  /** Claims whose completion or release still waits for the database. */
  get pendingSettles(): number {
    return this.#pending.size;
  }

  /** Stops retrying (shutdown). */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending.clear();
  }

  #settle(p: PendingSettle): Promise<void> {
    return p.outcome.kind === 'release'
      ? this.release(p.organizationId, p.key, p.claimedAt, p.requestHash)
      : this.complete(p.organizationId, p.key, p.claimedAt, p.outcome.status, p.outcome.body);
  }

  #schedule(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setTimeout(() => void this.#retry(), SETTLE_RETRY_MS);
    this.#timer.unref();
  }

  async #retry(): Promise<void> {
    const expiredBefore = new Date(this.#now().getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    for (const [id, p] of [...this.#pending]) {
      if (this.#stopped) return;
      if ((p.notBefore ?? 0) > Date.now()) continue;
      try {
        // An expired claim is replaced by the next claim of its key anyway.
        if (p.claimedAt > expiredBefore) await this.#settle(p);
        this.#pending.delete(id);
      } catch (err) {
        if (isDatabaseUnavailable(err)) break; // still unreachable: the rest wait for the next attempt
        this.#pending.delete(id); // not a fault that passes: left claimed until it expires
      }
    }
    this.#timer = null;
    if (this.#pending.size > 0) this.#schedule();
  }
}

/** What becomes of a claim: its response is stored, or it is forgotten (nothing was committed). */
export type IdempotencyOutcome = { kind: 'complete'; status: number; body: unknown } | { kind: 'release' };

interface PendingSettle {
  organizationId: string;
  key: string;
  claimedAt: string;
  outcome: IdempotencyOutcome;
  /** Released only if the claim is this request's (a claim whose own INSERT failed). */
  requestHash?: string;
  /** Not attempted before this time (Date.now() milliseconds). */
  notBefore?: number;
}

/** Pause between attempts to settle claims whose completion or release failed. */
const SETTLE_RETRY_MS = 1000;
/** Claims waiting to be settled at most (memory stays bounded through a long outage). */
const MAX_PENDING = 10_000;
