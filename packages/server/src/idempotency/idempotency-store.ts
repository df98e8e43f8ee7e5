import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

/** How long a key and its stored response last (SPEC §5): 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * The outcome of presenting an Idempotency-Key:
 * - `claimed`: first use (or the earlier one expired): run the request, then `complete` or `release`;
 * - `replay`: the same request already finished: answer its stored status and body;
 * - `in_progress`: the same key is being processed right now (a concurrent duplicate);
 * - `mismatch`: the key was used with another request (method, path or body).
 */
export type IdempotencyClaim =
  | { kind: 'claimed' }
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

  constructor(deps: { db: Kysely<Database>; now?: () => Date }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
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
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'claimed' };
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

  /** Stores the response of a claimed key; later requests with it get this response again. */
  async complete(organizationId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.#db
      .updateTable('idempotency_keys')
      .set({ state: 'completed', response_status: status, response_body: body === undefined ? null : JSON.stringify(body) })
      .where('organization_id', '=', organizationId)
      .where('idempotency_key', '=', key)
      .where('state', '=', 'in_progress')
      .execute();
  }

  /** Forgets a claimed key whose request failed on our side (5xx), so a retry runs it again. */
  async release(organizationId: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom('idempotency_keys')
      .where('organization_id', '=', organizationId)
      .where('idempotency_key', '=', key)
      .where('state', '=', 'in_progress')
      .execute();
  }
}
