import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { Checkout, CreateCheckoutParams, CreatedCheckout, ListCheckoutsParams, UpdateCheckoutParams } from '../types.js';

/** Checkouts and their hosted payment links (`checkout:create`, `checkout:read`, `checkout:update`). */
export class Checkouts {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Creates a checkout for a site (`checkout:create`); `paymentUrl` opens the hosted payment page.
   * Sends an Idempotency-Key (yours in `options.idempotencyKey`, or a random one) and reuses it
   * on retries, so a retried call never creates a second checkout.
   */
  create(siteId: string, body: CreateCheckoutParams, options: RequestOptions = {}): Promise<CreatedCheckout> {
    return unwrap(this.#ctx.api.checkouts.create({ params: { siteId: pathParam(siteId, 'siteId') }, body, requestOptions: options }));
  }

  list(query: ListCheckoutsParams = {}, options: RequestOptions = {}): Promise<Page<Checkout>> {
    return unwrap(this.#ctx.api.checkouts.list({ query, requestOptions: options }));
  }

  iterate(query: ListCheckoutsParams = {}, options: RequestOptions = {}): AsyncGenerator<Checkout, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  get(id: string, options: RequestOptions = {}): Promise<Checkout> {
    return unwrap(this.#ctx.api.checkouts.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Changes externalReference or metadata of an open checkout (`checkout:update`). */
  update(id: string, body: UpdateCheckoutParams, options: RequestOptions = {}): Promise<Checkout> {
    return unwrap(this.#ctx.api.checkouts.update({ params: { id: pathParam(id, 'id') }, body, requestOptions: options }));
  }
}
