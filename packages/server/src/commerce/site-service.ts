import type { CreateSiteBody, Site } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import type { SitesTable } from '../storage/commerce-schema.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { DialectName } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { notFound } from '../errors/app-error.js';
import { newId } from '../util/ids.js';
import type { CommerceDeps } from './commerce-deps.js';
import { findOwned } from './find-owned.js';
import { toSite } from './records.js';

/** SPEC §5 sites: the merchant sites checkouts are taken for, within one organization. */
export class SiteService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #dialect: DialectName;

  constructor(deps: CommerceDeps & { dialect?: DialectName }) {
    this.#db = deps.db;
    this.#now = deps.now ?? (() => new Date());
    this.#dialect = deps.dialect ?? 'sqlite';
  }

  async list(organizationId: string, q: { page: number; limit: number }): Promise<Page<Site>> {
    const base = this.#db.selectFrom('sites').where('organization_id', '=', organizationId).where('deleted_at', 'is', null);
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, toSite);
  }

  /** @throws AppError NOT_FOUND (unknown, deleted, or another organization's) */
  async get(organizationId: string, id: string): Promise<Site> {
    return toSite(await this.find(organizationId, id));
  }

  /** The site row. @throws AppError NOT_FOUND */
  async find(organizationId: string, id: string, db: Kysely<Database> = this.#db): Promise<SitesTable> {
    return findOwned(db, 'sites', organizationId, id, 'site');
  }

  /**
   * The live site row for a write that depends on it (a checkout or transaction for the site),
   * locked until `trx` ends so a concurrent delete waits for it, or it for the delete (which then
   * makes this 404): never a new open checkout on a deleted site. PostgreSQL `FOR SHARE` (after a
   * wait it re-reads the row); SQLite write transactions are serial already.
   * @throws AppError NOT_FOUND (unknown, deleted, or another organization's)
   */
  async findForWrite(organizationId: string, id: string, trx: Kysely<Database>): Promise<SitesTable> {
    let q = trx
      .selectFrom('sites')
      .selectAll()
      .where('id', '=', id)
      .where('organization_id', '=', organizationId)
      .where('deleted_at', 'is', null);
    if (this.#dialect === 'postgres') q = q.forShare();
    const row = await q.executeTakeFirst();
    if (!row) throw notFound('site');
    return row;
  }

  async create(organizationId: string, input: CreateSiteBody, origin: RequestOrigin): Promise<Site> {
    const row: SitesTable = {
      id: newId('site'),
      organization_id: organizationId,
      name: input.name,
      url: input.url,
      default_currency: input.defaultCurrency,
      created_at: this.#now().toISOString(),
      deleted_at: null,
    };
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('sites').values(row).execute();
      await recordAudit(trx, origin, { action: 'site.created', organizationId, target: { type: 'site', id: row.id } }, this.#now());
    });
    return toSite(row);
  }

  /**
   * Deletes a site: it disappears from the API and takes no new checkouts; its open checkouts
   * are cancelled in the same transaction; its completed checkouts and transactions stay.
   * @throws AppError NOT_FOUND
   */
  async delete(organizationId: string, id: string, origin: RequestOrigin): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const at = this.#now().toISOString();
      const res = await trx
        .updateTable('sites')
        .set({ deleted_at: at })
        .where('id', '=', id)
        .where('organization_id', '=', organizationId)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) await this.find(organizationId, id, trx);
      await trx
        .updateTable('checkouts')
        .set({ status: 'cancelled', cancelled_at: at, updated_at: at })
        .where('site_id', '=', id)
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'open')
        .execute();
      await recordAudit(trx, origin, { action: 'site.deleted', organizationId, target: { type: 'site', id } }, this.#now());
    });
  }
}
