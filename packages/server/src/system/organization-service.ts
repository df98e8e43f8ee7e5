import type { Organization } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import type { OrganizationLookup } from '../access/authorize.js';
import { AppError, notFound } from '../errors/app-error.js';
import { revokeOrganizationKeys } from '../keys/key-repository.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import { commitWithChanges } from '../storage/change-transaction.js';
import { FeedCache } from '../storage/feed-cache.js';
import { newId } from '../util/ids.js';
import { paginate } from '../storage/paginate.js';
import type { Database, OrganizationsTable } from '../storage/schema.js';
import type { SettingsService } from '../settings/settings-service.js';

export function toOrganization(r: OrganizationsTable): Organization {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    portalEnabled: r.portal_enabled === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    offboardedAt: r.offboarded_at,
  };
}

/** What a OrganizationService is built from. */
export interface OrganizationServiceDeps {
  db: Kysely<Database>;
  feed: ChangeFeed;
  settings: SettingsService;
  /** Longest a cached entry is used without a change-feed event, in milliseconds (KEY_CACHE_MAX_AGE_MS). @default 5000 */
  cacheMaxAgeMs?: number;
  /** The clock for timestamps. @default () => new Date() */
  now?: () => Date;
}

/** Organizations: provisioning, settings, offboarding (which revokes every key on every instance). */
export class OrganizationService implements OrganizationLookup {
  readonly #status: FeedCache<'active' | 'offboarded' | null>;

  private readonly db: Kysely<Database>;
  private readonly feed: ChangeFeed;
  private readonly settings: SettingsService;
  readonly #now: () => Date;

  constructor(deps: OrganizationServiceDeps) {
    this.db = deps.db;
    this.feed = deps.feed;
    this.settings = deps.settings;
    this.#now = deps.now ?? (() => new Date());
    this.#status = new FeedCache(deps.feed, {
      maxAgeMs: deps.cacheMaxAgeMs ?? 5000,
      maxEntries: 10_000,
      keyOf: (e) => (e.type === 'organization' ? e.organizationId : null),
    });
  }

  /** Cached status lookup for the auth path. */
  async status(id: string): Promise<'active' | 'offboarded' | null> {
    return this.#status.load(id, async () => {
      const row = await this.db.selectFrom('organizations').select('status').where('id', '=', id).executeTakeFirst();
      return row?.status ?? null;
    });
  }

  /**
   * @throws AppError NOT_FOUND (404) when the organization does not exist.
   */
  async get(id: string): Promise<Organization> {
    const row = await this.db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('organization');
    return toOrganization(row);
  }

  /** One page of organizations, newest first; `page` counts from 1, `limit` is a number of organizations. */
  async list(q: { page: number; limit: number; status?: 'active' | 'offboarded' | undefined }) {
    let base = this.db.selectFrom('organizations');
    if (q.status) base = base.where('status', '=', q.status);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toOrganization);
  }

  async create(input: { name: string; portalEnabled?: boolean | undefined }, origin: RequestOrigin): Promise<Organization> {
    const defaults = (await this.settings.get()).organizationDefaults;
    const now = this.#now().toISOString();
    const row: OrganizationsTable = {
      id: newId('org'),
      name: input.name,
      status: 'active',
      portal_enabled: (input.portalEnabled ?? defaults.portalEnabled) ? 1 : 0,
      created_at: now,
      updated_at: now,
      offboarded_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('organizations').values(row).execute();
      await recordAudit(trx, origin, {
        action: 'organization.created',
        organizationId: row.id,
        target: { type: 'organization', id: row.id },
        metadata: { name: row.name, portalEnabled: row.portal_enabled === 1 },
      });
    });
    return toOrganization(row);
  }

  /**
   * @throws AppError NOT_FOUND (404) when the organization does not exist; INVALID_STATE (409) when it is offboarded.
   */
  async update(
    id: string,
    input: { name?: string | undefined; portalEnabled?: boolean | undefined },
    origin: RequestOrigin,
  ): Promise<Organization> {
    const row = await commitWithChanges(this.db, this.feed, async (trx, announce) => {
      const current = await trx.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound('organization');
      if (current.status !== 'active') throw new AppError('INVALID_STATE', 'An offboarded organization cannot be changed.');
      const next: OrganizationsTable = {
        ...current,
        name: input.name ?? current.name,
        portal_enabled: input.portalEnabled === undefined ? current.portal_enabled : input.portalEnabled ? 1 : 0,
        updated_at: this.#now().toISOString(),
      };
      await trx
        .updateTable('organizations')
        .set({ name: next.name, portal_enabled: next.portal_enabled, updated_at: next.updated_at })
        .where('id', '=', id)
        .execute();
      // Switching the portal off ends its customers' sessions for good: switching it on again
      // must not bring them back (SPEC §6; they sign in again with a new link).
      if (current.portal_enabled === 1 && next.portal_enabled === 0) {
        await trx
          .updateTable('portal_sessions')
          .set({ revoked_at: next.updated_at })
          .where('organization_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
      }
      await recordAudit(trx, origin, {
        action: 'organization.updated',
        organizationId: id,
        target: { type: 'organization', id },
        metadata: { ...input },
      });
      announce({ type: 'organization', organizationId: id });
      return next;
    });
    return toOrganization(row);
  }

  /**
   * Offboards: status offboarded and every key revoked, committed together, then announced.
   * @throws AppError NOT_FOUND (404) when the organization does not exist.
   */
  async offboard(id: string, origin: RequestOrigin): Promise<Organization> {
    const row = await commitWithChanges(this.db, this.feed, async (trx, announce) => {
      const current = await trx.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw notFound('organization');
      const now = this.#now().toISOString();
      // The status changes first: the row lock it takes makes a concurrent key creation
      // (which locks the same row, see KeyService.create) either finish before the keys are
      // revoked below or see the organization offboarded.
      const changed = await trx
        .updateTable('organizations')
        .set({ status: 'offboarded', offboarded_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) {
        const latest = await trx.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return latest;
      }
      const revokedIds = await revokeOrganizationKeys(trx, id, now, 'organization offboarded');
      await recordAudit(trx, origin, {
        action: 'organization.offboarded',
        organizationId: id,
        target: { type: 'organization', id },
        metadata: { revokedKeys: revokedIds.length },
      });
      announce({ type: 'organization', organizationId: id });
      for (const keyId of revokedIds) announce({ type: 'api_key', keyId });
      return { ...current, status: 'offboarded' as const, offboarded_at: now, updated_at: now };
    });
    return toOrganization(row);
  }
}
