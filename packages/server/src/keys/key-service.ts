import type {
  ApiKey,
  ApiKeyUsage,
  ApiKeyWithToken,
  AuditAction,
  CreateApiKeyBody,
  Scope,
  UpdateApiKeyBody,
} from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError, notFound } from '../errors/app-error.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import { commitWithChanges } from '../storage/change-transaction.js';
import type { Database } from '../storage/schema.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { SecretHasher } from './hashing.js';
import {
  assertFutureExpiry,
  assertNoEscalation,
  assertWithinBounds,
  checkScopesForTier,
  normaliseAllowlist,
  type KeyBounds,
} from './key-policy.js';
import { toApiKey, type KeyRecord } from './key-record.js';
import * as repo from './key-repository.js';
import { readKeyUsage } from './key-usage.js';
import { storedInstant } from '../util/stored-instant.js';
import { keyRotationStatus, rotationDueAt } from './rotation-policy.js';
import { newKeyId, newSecret, secretPrefix } from './token.js';

/** Which keys an operation addresses: one organization's, or the system tier. */
export type KeyOwner = { tier: 'organization'; organizationId: string } | { tier: 'system' };

/** The caller of a key operation: its scopes bound what it may grant (no escalation). */
export interface Grantor {
  scopes: readonly Scope[];
  origin: RequestOrigin;
  /**
   * When the caller is a key: its id, allowlist and expiry, which bound every key it creates,
   * updates or rotates (SPEC §2). Null or absent for dashboard sessions and the operator.
   */
  restrictions?: (KeyBounds & { keyId: string }) | null;
}

/** The caller's bounds; for a key acting on itself, its freshly read record rather than the cached one. */
function boundsOf(grantor: Grantor, target?: KeyRecord): KeyBounds | null {
  const r = grantor.restrictions;
  if (!r) return null;
  if (target && target.id === r.keyId) return { ipAllowlist: target.ipAllowlist, expiresAt: target.expiresAt };
  return r;
}

export interface KeyServiceDeps {
  db: Kysely<Database>;
  feed: ChangeFeed;
  hasher: SecretHasher;
  settings: SettingsService;
  now?: () => Date;
}

const MAX_WRITE_ATTEMPTS = 5;

/**
 * Key lifecycle (SPEC §4.3): create, update, rotate with grace, revoke, delete. Every change
 * commits with its audit event, then is announced on the change feed.
 */
export class KeyService {
  readonly #d: KeyServiceDeps;
  readonly #now: () => Date;

  constructor(deps: KeyServiceDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  /**
   * One page of the owner's keys, newest first (SPEC §4.1, §4.2). `page` counts from 1; `limit`
   * is a number of keys.
   * @throws AppError NOT_FOUND (404) when the organization does not exist.
   */
  async list(owner: KeyOwner, q: { page: number; limit: number; status?: 'active' | 'revoked' | undefined }) {
    if (owner.tier === 'organization') await this.#organization(owner.organizationId);
    const page = await repo.listKeys(this.#d.db, {
      tier: owner.tier,
      organizationId: owner.tier === 'organization' ? owner.organizationId : undefined,
      status: q.status,
      page: q.page,
      limit: q.limit,
    });
    const policy = await this.#policy();
    return { ...page, items: page.items.map((k) => toApiKey(k, rotationDueAt(k, policy))) };
  }

  /**
   * One key of the owner, without its secret.
   * @throws AppError NOT_FOUND (404) when the key does not exist or belongs to another owner.
   */
  async get(owner: KeyOwner, keyId: string): Promise<ApiKey> {
    return this.#view(await this.#find(owner, keyId));
  }

  /**
   * The key's requests per hour over the last 7 days (as flushed with lastUsedAt).
   * @throws AppError NOT_FOUND when the owner has no such key
   */
  async usage(owner: KeyOwner, keyId: string): Promise<ApiKeyUsage> {
    const key = await this.#find(owner, keyId);
    return readKeyUsage(this.#d.db, key.id, this.#now());
  }

  /**
   * Creates a key and returns its token, shown this once (SPEC §4.1). `expiresAt` is an ISO 8601
   * timestamp in the future.
   * @throws AppError UNKNOWN_SCOPE (400) / SYSTEM_SCOPE_NOT_ALLOWED (400) for scopes the tier cannot hold.
   * @throws AppError SCOPE_ESCALATION (403) when the grantor lacks a requested scope (SPEC §2).
   * @throws AppError KEY_RESTRICTION_ESCALATION (403) when a key grantor's allowlist or expiry would widen.
   * @throws AppError VALIDATION_FAILED (400) for an expiry in the past.
   * @throws AppError NOT_FOUND (404) / INVALID_STATE (409) when the organization does not exist / is offboarded.
   */
  async create(owner: KeyOwner, input: CreateApiKeyBody, grantor: Grantor): Promise<ApiKeyWithToken> {
    input = { ...input, expiresAt: input.expiresAt && storedInstant(input.expiresAt) };
    const scopes = checkScopesForTier(input.scopes, owner.tier);
    assertNoEscalation(grantor.scopes, scopes);
    const now = this.#now();
    assertFutureExpiry(input.expiresAt, now);
    const ipAllowlist = normaliseAllowlist(input.ipAllowlist) ?? null;
    const bounds = boundsOf(grantor);
    if (bounds) assertWithinBounds(bounds, { ipAllowlist, expiresAt: input.expiresAt ?? null });
    const id = newKeyId();
    const { token, secret } = newSecret(id);
    const { hash, pepperVersion } = this.#d.hasher.hash(secret);
    const at = now.toISOString();
    const key: KeyRecord = {
      id,
      tier: owner.tier,
      organizationId: owner.tier === 'organization' ? owner.organizationId : null,
      name: input.name,
      description: input.description ?? null,
      scopes,
      status: 'active',
      ipAllowlist,
      expiresAt: input.expiresAt ?? null,
      createdAt: at,
      createdBy: grantor.origin.actor,
      updatedAt: at,
      lastUsedAt: null,
      lastRotatedAt: null,
      secretHash: hash,
      secretPrefix: secretPrefix(secret),
      pepperVersion,
      previousSecretHash: null,
      previousPepperVersion: null,
      previousSecretExpiresAt: null,
      revokedAt: null,
      revokedReason: null,
      rotationDueNotifiedAt: null,
      version: 1,
    };
    await commitWithChanges(this.#d.db, this.#d.feed, async (trx, announce) => {
      if (owner.tier === 'organization') {
        // Locks the organization row (a no-op write) so an offboarding cannot slip between this
        // check and the insert and leave an active key in an offboarded organization.
        const locked = await trx
          .updateTable('organizations')
          .set((eb) => ({ updated_at: eb.ref('updated_at') }))
          .where('id', '=', owner.organizationId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (Number(locked.numUpdatedRows) === 0) {
          const org = await trx.selectFrom('organizations').select('status').where('id', '=', owner.organizationId).executeTakeFirst();
          if (!org) throw notFound('organization');
          throw new AppError('INVALID_STATE', 'The organization has been offboarded; no new keys can be created.');
        }
      }
      await repo.insertKey(trx, key);
      await recordAudit(trx, grantor.origin, {
        action: 'api_key.created',
        organizationId: key.organizationId,
        target: { type: 'api_key', id },
        metadata: { tier: key.tier, name: key.name, scopes, expiresAt: key.expiresAt, ipAllowlist },
      });
      // A negative cache entry for this id (from a probe) must not outlive the create.
      announce({ type: 'api_key', keyId: id });
    });
    return { ...(await this.#view(key)), token };
  }

  /**
   * Changes name, description, scopes, IP allowlist or expiry (optimistic locking, retried).
   * @throws AppError NOT_FOUND (404) when the key does not exist or belongs to another owner.
   * @throws AppError UNKNOWN_SCOPE / SYSTEM_SCOPE_NOT_ALLOWED (400), SCOPE_ESCALATION /
   *   KEY_RESTRICTION_ESCALATION (403), VALIDATION_FAILED (400), as for create.
   * @throws AppError INVALID_STATE (409) for a revoked key; CONFLICT (409) after too many concurrent changes.
   */
  async update(owner: KeyOwner, keyId: string, input: UpdateApiKeyBody, grantor: Grantor): Promise<ApiKey> {
    input = { ...input, expiresAt: input.expiresAt && storedInstant(input.expiresAt) };
    const now = this.#now();
    const scopes = input.scopes ? checkScopesForTier(input.scopes, owner.tier) : undefined;
    if (scopes) assertNoEscalation(grantor.scopes, scopes);
    assertFutureExpiry(input.expiresAt, now);
    const ipAllowlist = normaliseAllowlist(input.ipAllowlist);
    const updated = await this.#mutate(owner, keyId, grantor.origin, (key) => {
      assertNoEscalation(grantor.scopes, key.scopes, 'manage a key with');
      if (key.status === 'revoked') throw new AppError('INVALID_STATE', 'A revoked key cannot be changed.');
      const next: KeyRecord = {
        ...key,
        name: input.name ?? key.name,
        description: input.description === undefined ? key.description : input.description,
        scopes: scopes ?? key.scopes,
        ipAllowlist: ipAllowlist === undefined ? key.ipAllowlist : ipAllowlist,
        expiresAt: input.expiresAt === undefined ? key.expiresAt : input.expiresAt,
      };
      // A key changed by a key ends up at least as restricted as the caller; it cannot loosen itself (SPEC §2).
      const bounds = boundsOf(grantor, key);
      if (bounds) assertWithinBounds(bounds, next);
      // A grace period never outlives the key itself.
      if (next.expiresAt && next.previousSecretExpiresAt && next.previousSecretExpiresAt > next.expiresAt) {
        next.previousSecretExpiresAt = next.expiresAt;
      }
      const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
      return {
        next,
        audit: {
          action: 'api_key.updated',
          metadata: { changed, scopes: next.scopes, expiresAt: next.expiresAt, ipAllowlist: next.ipAllowlist },
        },
      };
    });
    return this.#view(updated);
  }

  /**
   * Issues a new secret; the old one keeps working for `gracePeriodSeconds` (seconds; default
   * and maximum from the system key policy, SPEC §4.1). Returns the new token, shown once.
   * @throws AppError INVALID_GRACE_PERIOD (400) above the policy's maximum.
   * @throws AppError NOT_FOUND (404) when the key does not exist or belongs to another owner.
   * @throws AppError SCOPE_ESCALATION / KEY_RESTRICTION_ESCALATION (403) when the grantor could not create this key.
   * @throws AppError INVALID_STATE (409) for a revoked or expired key; CONFLICT (409) after too many concurrent changes.
   */
  async rotate(owner: KeyOwner, keyId: string, gracePeriodSeconds: number | undefined, grantor: Grantor): Promise<ApiKeyWithToken> {
    const policy = (await this.#d.settings.get()).keyPolicy;
    const grace = gracePeriodSeconds ?? policy.defaultGracePeriodSeconds;
    if (grace > policy.maxGracePeriodSeconds) {
      throw new AppError('INVALID_GRACE_PERIOD', `gracePeriodSeconds may be at most ${policy.maxGracePeriodSeconds} (system key policy).`, {
        maxGracePeriodSeconds: policy.maxGracePeriodSeconds,
      });
    }
    let token = '';
    const updated = await this.#mutate(owner, keyId, grantor.origin, (key) => {
      // The new token carries the key's power: only a grantor holding all of it may receive it.
      assertNoEscalation(grantor.scopes, key.scopes, 'rotate a key with');
      // Likewise its restrictions: a key may not obtain a fresh token of a less restricted key (SPEC §2).
      const bounds = boundsOf(grantor, key);
      if (bounds) assertWithinBounds(bounds, key);
      const now = this.#now();
      if (key.status === 'revoked') throw new AppError('INVALID_STATE', 'A revoked key cannot be rotated.');
      if (key.expiresAt && new Date(key.expiresAt) <= now) throw new AppError('INVALID_STATE', 'An expired key cannot be rotated.');
      const fresh = newSecret(key.id);
      token = fresh.token;
      const { hash, pepperVersion } = this.#d.hasher.hash(fresh.secret);
      let graceEnd: string | null = null;
      if (grace > 0) {
        graceEnd = new Date(now.getTime() + grace * 1000).toISOString();
        if (key.expiresAt && graceEnd > key.expiresAt) graceEnd = key.expiresAt;
        // With enforceMaxKeyAge, the old secret's grace never outlives its own refusal (issue #17):
        // rotating an overdue key must not revive its old secret, and a due one keeps it only
        // until the moment it would have been refused anyway.
        const refusedFrom = keyRotationStatus(key, policy, now)?.refusedFrom ?? null;
        if (refusedFrom !== null && graceEnd > refusedFrom) graceEnd = refusedFrom <= now.toISOString() ? null : refusedFrom;
      }
      const next: KeyRecord = {
        ...key,
        // Rotating during a grace period ends the older secret at once: only one previous.
        previousSecretHash: graceEnd ? key.secretHash : null,
        previousPepperVersion: graceEnd ? key.pepperVersion : null,
        previousSecretExpiresAt: graceEnd,
        secretHash: hash,
        pepperVersion,
        secretPrefix: secretPrefix(fresh.secret),
        lastRotatedAt: now.toISOString(),
      };
      return { next, audit: { action: 'api_key.rotated', metadata: { gracePeriodSeconds: grace, previousSecretExpiresAt: graceEnd } } };
    });
    return { ...(await this.#view(updated)), token };
  }

  /**
   * Revokes the key at once on every instance (SPEC §4.1); revoking again is a no-op.
   * @throws AppError NOT_FOUND (404) when the key does not exist or belongs to another owner.
   */
  async revoke(owner: KeyOwner, keyId: string, reason: string | undefined, origin: RequestOrigin): Promise<ApiKey> {
    // Not #mutate: a revocation is applied whatever the key's version, so concurrent rotations
    // can delay it (row lock) but never make it fail.
    const key = await commitWithChanges(this.#d.db, this.#d.feed, async (trx, announce) => {
      const current = await repo.findKey(trx, keyId);
      if (!current || !owns(owner, current)) throw notFound('API key');
      const revoked = await repo.revokeKey(trx, keyId, this.#now().toISOString(), reason ?? null);
      const after = await repo.findKey(trx, keyId);
      if (!after) throw notFound('API key');
      if (!revoked) return after;
      await recordAudit(trx, origin, {
        action: 'api_key.revoked',
        organizationId: after.organizationId,
        target: { type: 'api_key', id: keyId },
        metadata: { reason: reason ?? null },
      });
      announce({ type: 'api_key', keyId });
      return after;
    });
    return this.#view(key);
  }

  /**
   * Deletes the key permanently (its audit events stay).
   * @throws AppError NOT_FOUND (404) when the key does not exist or belongs to another owner.
   */
  async delete(owner: KeyOwner, keyId: string, origin: RequestOrigin): Promise<void> {
    await commitWithChanges(this.#d.db, this.#d.feed, async (trx, announce) => {
      const key = await repo.findKey(trx, keyId);
      if (!key || !owns(owner, key)) throw notFound('API key');
      await repo.deleteKey(trx, keyId);
      announce({ type: 'api_key', keyId });
      await recordAudit(trx, origin, {
        action: 'api_key.deleted',
        organizationId: key.organizationId,
        target: { type: 'api_key', id: keyId },
        metadata: { name: key.name, tier: key.tier, scopes: key.scopes },
      });
    });
  }

  /**
   * Read-modify-write with optimistic locking: concurrent rotations and revocations of one key
   * serialise into one consistent state. `change` returns null for a no-op.
   */
  async #mutate(
    owner: KeyOwner,
    keyId: string,
    origin: RequestOrigin,
    change: (key: KeyRecord) => { next: KeyRecord; audit: { action: AuditAction; metadata: Record<string, unknown> } } | null,
  ): Promise<KeyRecord> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const result = await commitWithChanges(this.#d.db, this.#d.feed, async (trx, announce) => {
        const key = await repo.findKey(trx, keyId);
        if (!key || !owns(owner, key)) throw notFound('API key');
        const planned = change(key);
        if (!planned) return key;
        const next = { ...planned.next, version: key.version + 1, updatedAt: this.#now().toISOString() };
        if (!(await repo.updateKeyIfVersion(trx, next, key.version))) return null;
        await recordAudit(trx, origin, {
          action: planned.audit.action,
          organizationId: key.organizationId,
          target: { type: 'api_key', id: keyId },
          metadata: planned.audit.metadata,
        });
        announce({ type: 'api_key', keyId });
        return next;
      });
      if (result) return result;
    }
    throw new AppError('CONFLICT', 'The key was changed concurrently too many times; retry.');
  }

  /** The public view, with `rotationDueAt` from the current key policy (issue 17). */
  async #view(key: KeyRecord): Promise<ApiKey> {
    return toApiKey(key, rotationDueAt(key, await this.#policy()));
  }

  async #policy() {
    return (await this.#d.settings.get()).keyPolicy;
  }

  async #find(owner: KeyOwner, keyId: string): Promise<KeyRecord> {
    const key = await repo.findKey(this.#d.db, keyId);
    if (!key || !owns(owner, key)) throw notFound('API key');
    return key;
  }

  async #organization(id: string): Promise<void> {
    const org = await this.#d.db.selectFrom('organizations').select('id').where('id', '=', id).executeTakeFirst();
    if (!org) throw notFound('organization');
  }
}

function owns(owner: KeyOwner, key: KeyRecord): boolean {
  return owner.tier === 'system' ? key.tier === 'system' : key.tier === 'organization' && key.organizationId === owner.organizationId;
}
