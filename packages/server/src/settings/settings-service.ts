import type { SystemSettings } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import type { RequestOrigin } from '../audit/audit-log.js';
import { recordAudit } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { ChangeFeed } from '../storage/change-feed.js';
import { commitWithChanges } from '../storage/change-transaction.js';
import { FeedCache } from '../storage/feed-cache.js';
import type { Database } from '../storage/schema.js';

export const DEFAULT_SETTINGS: SystemSettings = {
  portal: { enabled: true, magicLinksEnabled: true, magicLinkTtlMinutes: 15, sessionTtlMinutes: 60 },
  keyPolicy: {
    defaultGracePeriodSeconds: 86_400,
    maxGracePeriodSeconds: 604_800,
    // Key age (issue 17): off until an operator sets a maximum.
    maxKeyAgeDays: null,
    enforceMaxKeyAge: false,
    rotationGraceDays: 14,
  },
  organizationDefaults: { portalEnabled: true },
};

const KEY = 'system';

export type SettingsPatch = {
  [S in keyof SystemSettings]?: Partial<SystemSettings[S]>;
};

/** What a SettingsService is built from. */
export interface SettingsServiceDeps {
  db: Kysely<Database>;
  feed: ChangeFeed;
  /** Longest a cached entry is used without a change-feed event, in milliseconds (KEY_CACHE_MAX_AGE_MS). @default 5000 */
  cacheMaxAgeMs?: number;
  /** The clock for timestamps. @default () => new Date() */
  now?: () => Date;
}

/**
 * System settings: one JSON document, cached in memory and refreshed on the change feed
 * (and at most `maxAgeMs` old), so a change is effective on every instance at once.
 */
export class SettingsService {
  readonly #cache: FeedCache<SystemSettings>;

  private readonly db: Kysely<Database>;
  private readonly feed: ChangeFeed;
  readonly #now: () => Date;

  constructor(deps: SettingsServiceDeps) {
    this.db = deps.db;
    this.feed = deps.feed;
    this.#now = deps.now ?? (() => new Date());
    this.#cache = new FeedCache(deps.feed, { maxAgeMs: deps.cacheMaxAgeMs ?? 5000, keyOf: (e) => (e.type === 'settings' ? 'all' : null) });
  }

  get(): Promise<SystemSettings> {
    return this.#cache.load(KEY, async () => {
      const row = await this.db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
      return merge(DEFAULT_SETTINGS, row ? (JSON.parse(row.value) as SettingsPatch) : {});
    });
  }

  /**
   * Merges the patch into the settings; effective on every instance at once.
   * @throws AppError VALIDATION_FAILED (400) when the default grace period would exceed the maximum,
   *   or keyPolicy.enforceMaxKeyAge would be on without a keyPolicy.maxKeyAgeDays.
   */
  async update(patch: SettingsPatch, origin: RequestOrigin): Promise<SystemSettings> {
    const next = await commitWithChanges(this.db, this.feed, async (trx, announce) => {
      const row = await trx.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
      const current = merge(DEFAULT_SETTINGS, row ? (JSON.parse(row.value) as SettingsPatch) : {});
      const value = merge(current, patch);
      if (value.keyPolicy.defaultGracePeriodSeconds > value.keyPolicy.maxGracePeriodSeconds) {
        throw new AppError('VALIDATION_FAILED', 'keyPolicy.defaultGracePeriodSeconds cannot exceed keyPolicy.maxGracePeriodSeconds.', {
          issues: [{ path: 'keyPolicy.defaultGracePeriodSeconds', message: 'must be ≤ maxGracePeriodSeconds' }],
        });
      }
      if (value.keyPolicy.enforceMaxKeyAge && value.keyPolicy.maxKeyAgeDays === null) {
        throw new AppError(
          'VALIDATION_FAILED',
          'keyPolicy.enforceMaxKeyAge needs keyPolicy.maxKeyAgeDays (a maximum key age to enforce).',
          {
            issues: [{ path: 'keyPolicy.enforceMaxKeyAge', message: 'requires keyPolicy.maxKeyAgeDays to be set' }],
          },
        );
      }
      const now = this.#now().toISOString();
      const json = JSON.stringify(value);
      if (row) await trx.updateTable('settings').set({ value: json, updated_at: now }).where('key', '=', KEY).execute();
      else await trx.insertInto('settings').values({ key: KEY, value: json, updated_at: now }).execute();
      // Portal access switched off system-wide ends every portal session for good (as per organization).
      if (current.portal.enabled && !value.portal.enabled) {
        await trx.updateTable('portal_sessions').set({ revoked_at: now }).where('revoked_at', 'is', null).execute();
      }
      await recordAudit(trx, origin, {
        action: 'settings.updated',
        organizationId: null,
        target: { type: 'settings', id: KEY },
        metadata: { changes: patch },
      });
      announce({ type: 'settings' });
      return value;
    });
    return next;
  }
}

function merge(base: SystemSettings, patch: SettingsPatch): SystemSettings {
  return {
    portal: { ...base.portal, ...patch.portal },
    keyPolicy: { ...base.keyPolicy, ...patch.keyPolicy },
    organizationDefaults: { ...base.organizationDefaults, ...patch.organizationDefaults },
  };
}
