import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Database } from '../storage/schema.js';
import type { KeyRecord } from './key-record.js';
import { secretIssuedAt } from './rotation-policy.js';

export interface RotationDueNotifierOptions {
  db: Kysely<Database>;
  /** The services' clock. @default () => new Date() */
  now?: () => Date;
  /** A failed write (it is retried on the key's next use). @default ignored */
  onError?: (err: unknown) => void;
}

/**
 * Writes the `api_key.rotation_due` audit event when a key's secret is first seen due: exactly
 * once per key and secret, whatever the number of instances. One conditional update claims the
 * event (`rotation_due_notified_at` unset, or older than the secret's issue, and the secret
 * unchanged) and the event commits in the same transaction; an instance that loses the race
 * updates no row and writes nothing. In memory, each instance tries once per secret, so a due
 * key costs no write per request. Never awaited on the request path.
 */
export class RotationDueNotifier {
  readonly #o: RotationDueNotifierOptions;
  readonly #now: () => Date;
  readonly #tried = new Set<string>();

  constructor(options: RotationDueNotifierOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Records the event for the key's current secret unless already recorded; `dueAt` is ISO 8601. */
  notify(key: KeyRecord, dueAt: string, ip: string | null): Promise<void> {
    const issuedAt = secretIssuedAt(key);
    if (key.rotationDueNotifiedAt !== null && key.rotationDueNotifiedAt >= issuedAt) return Promise.resolve();
    const marker = `${key.id}:${issuedAt}`;
    if (this.#tried.has(marker)) return Promise.resolve();
    this.#tried.add(marker);
    return this.#claim(key, issuedAt, dueAt, ip).catch((err: unknown) => {
      this.#tried.delete(marker);
      this.#o.onError?.(err);
    });
  }

  async #claim(key: KeyRecord, issuedAt: string, dueAt: string, ip: string | null): Promise<void> {
    const now = this.#now();
    await this.#o.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('api_keys')
        .set({ rotation_due_notified_at: now.toISOString() })
        .where('id', '=', key.id)
        .where('secret_hash', '=', key.secretHash)
        .where((eb) => eb.or([eb('rotation_due_notified_at', 'is', null), eb('rotation_due_notified_at', '<', issuedAt)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return;
      await recordAudit(
        trx,
        { actor: { type: 'system', id: 'key-policy' }, requestId: null, ip },
        {
          action: 'api_key.rotation_due',
          organizationId: key.organizationId,
          target: { type: 'api_key', id: key.id },
          metadata: { tier: key.tier, name: key.name, secretIssuedAt: issuedAt, rotationDueAt: dueAt },
        },
        now,
      );
    });
  }
}
