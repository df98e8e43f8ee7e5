import type { Checkout, CreateCheckoutBody, CreatedCheckout, UpdateCheckoutBody } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { recordAudit, type RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { CheckoutsTable } from '../storage/commerce-schema.js';
import { paginate, type Page } from '../storage/paginate.js';
import type { Database } from '../storage/schema.js';
import { randomBase62 } from '../util/base62.js';
import { newId } from '../util/ids.js';
import { assertItemsMatch } from './checkout-items.js';
import type { CommerceDeps } from './commerce-deps.js';
import { findOwned } from './find-owned.js';
import { effectiveCheckoutStatus, paymentUrlOf, toCheckout } from './records.js';
import type { SiteService } from './site-service.js';

export interface CheckoutServiceOptions extends CommerceDeps {
  sites: SiteService;
  /** Base of payment URLs, read per call: `PUBLIC_BASE_URL` or the bound URL (SPEC §12). */
  publicBaseUrl: () => string;
  /** Minutes a checkout stays payable (`CHECKOUT_TTL_MINUTES`). @default 1440 */
  ttlMinutes?: number;
}

export interface CheckoutFilter {
  page: number;
  limit: number;
  status?: Checkout['status'] | undefined;
  siteId?: string | undefined;
}

/** Length of a checkout's short code: 12 base62 characters (~71 bits), unguessable like a link token. */
const SHORT_CODE_LENGTH = 12;

/** SPEC §5 checkouts: created for a site, payable on the hosted page until they expire. */
export class CheckoutService {
  readonly #db: Kysely<Database>;
  readonly #now: () => Date;
  readonly #sites: SiteService;
  readonly #baseUrl: () => string;
  readonly #ttlMs: number;

  constructor(options: CheckoutServiceOptions) {
    this.#db = options.db;
    this.#now = options.now ?? (() => new Date());
    this.#sites = options.sites;
    this.#baseUrl = options.publicBaseUrl;
    this.#ttlMs = (options.ttlMinutes ?? 1440) * 60_000;
  }

  /**
   * Creates an open checkout for a site of the organization.
   * @throws AppError NOT_FOUND (site or clientId unknown in this organization),
   *   CHECKOUT_AMOUNT_MISMATCH (items do not add up to amount)
   */
  async create(organizationId: string, siteId: string, input: CreateCheckoutBody, origin: RequestOrigin): Promise<CreatedCheckout> {
    assertItemsMatch(input.amount, input.items);
    const now = this.#now();
    const at = now.toISOString();
    const row: CheckoutsTable = {
      id: newId('chk'),
      organization_id: organizationId,
      site_id: siteId,
      status: 'open',
      amount: input.amount,
      currency: input.currency ?? '',
      email: input.email,
      external_reference: input.externalReference ?? null,
      invoice_number: input.invoiceNumber ?? null,
      client_id: input.clientId ?? null,
      return_url: input.returnUrl ?? null,
      cancel_url: input.cancelUrl ?? null,
      items: JSON.stringify(input.items),
      metadata: JSON.stringify(input.metadata ?? {}),
      session_public_id: `cs_${randomBase62(24)}`,
      short_code: randomBase62(SHORT_CODE_LENGTH),
      transaction_id: null,
      expires_at: new Date(now.getTime() + this.#ttlMs).toISOString(),
      completed_at: null,
      cancelled_at: null,
      created_at: at,
      updated_at: at,
    };
    await this.#db.transaction().execute(async (trx) => {
      const site = await this.#sites.findForWrite(organizationId, siteId, trx);
      if (!input.currency) row.currency = site.default_currency;
      if (input.clientId) await findOwned(trx, 'clients', organizationId, input.clientId, 'client');
      await trx.insertInto('checkouts').values(row).execute();
      await recordAudit(
        trx,
        origin,
        {
          action: 'checkout.created',
          organizationId,
          target: { type: 'checkout', id: row.id },
          metadata: { siteId, amount: row.amount, currency: row.currency },
        },
        this.#now(),
      );
    });
    return {
      id: row.id,
      sessionPublicId: row.session_public_id,
      shortCode: row.short_code,
      paymentUrl: paymentUrlOf(this.#baseUrl(), row.short_code),
    };
  }

  async list(organizationId: string, q: CheckoutFilter): Promise<Page<Checkout>> {
    const now = this.#now();
    const at = now.toISOString();
    let base = this.#db.selectFrom('checkouts').where('organization_id', '=', organizationId);
    if (q.siteId) base = base.where('site_id', '=', q.siteId);
    // Expiry is evaluated on read: `open` means open and not yet expired; `expired` includes open rows past expiry.
    if (q.status === 'open') base = base.where('status', '=', 'open').where('expires_at', '>', at);
    else if (q.status === 'expired')
      base = base.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'open'), eb('expires_at', '<=', at)])]));
    else if (q.status) base = base.where('status', '=', q.status);
    const baseUrl = this.#baseUrl();
    return paginate(base.selectAll().orderBy('created_at', 'desc').orderBy('id'), q, (r) => toCheckout(r, baseUrl, now));
  }

  /** @throws AppError NOT_FOUND */
  async get(organizationId: string, id: string): Promise<Checkout> {
    return toCheckout(await findOwned(this.#db, 'checkouts', organizationId, id, 'checkout'), this.#baseUrl(), this.#now());
  }

  /**
   * Changes externalReference and/or metadata of an open checkout (SPEC §5).
   * @throws AppError NOT_FOUND, INVALID_STATE (completed, cancelled or expired)
   */
  async update(organizationId: string, id: string, input: UpdateCheckoutBody, origin: RequestOrigin): Promise<Checkout> {
    return this.#db.transaction().execute(async (trx) => {
      const current = await findOwned(trx, 'checkouts', organizationId, id, 'checkout');
      const now = this.#now();
      const status = effectiveCheckoutStatus(current, now);
      if (status !== 'open')
        throw new AppError('INVALID_STATE', `This checkout is ${status}; only open checkouts can be updated.`, { status });
      const changes: Partial<CheckoutsTable> = { updated_at: now.toISOString() };
      if (input.externalReference !== undefined) changes.external_reference = input.externalReference;
      if (input.metadata !== undefined) changes.metadata = JSON.stringify(input.metadata);
      // Conditional on still being open and unexpired, so a payment racing this update wins cleanly.
      const res = await trx
        .updateTable('checkouts')
        .set(changes)
        .where('id', '=', id)
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'open')
        .where('expires_at', '>', now.toISOString())
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) throw new AppError('INVALID_STATE', 'This checkout is no longer open.');
      await recordAudit(
        trx,
        origin,
        { action: 'checkout.updated', organizationId, target: { type: 'checkout', id }, metadata: { fields: Object.keys(input) } },
        this.#now(),
      );
      return toCheckout({ ...current, ...changes }, this.#baseUrl(), now);
    });
  }
}
