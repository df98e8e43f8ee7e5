import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { CreateManualTransactionParams, ListTransactionsParams, Refund, RefundParams, Transaction } from '../types.js';

/** Transactions and refunds (`transaction:create`, `transaction:read`, `transaction:execute`). */
export class Transactions {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /** Filters: status, currency, from, to (ISO 8601 UTC, createdAt ≥ from and < to), siteId, clientId. */
  list(query: ListTransactionsParams = {}, options: RequestOptions = {}): Promise<Page<Transaction>> {
    return unwrap(this.#ctx.api.transactions.list({ query, requestOptions: options }));
  }

  iterate(query: ListTransactionsParams = {}, options: RequestOptions = {}): AsyncGenerator<Transaction, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  get(id: string, options: RequestOptions = {}): Promise<Transaction> {
    return unwrap(this.#ctx.api.transactions.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Records a payment taken outside the gateway (`transaction:create`); idempotent like `checkouts.create`. */
  createManual(body: CreateManualTransactionParams, options: RequestOptions = {}): Promise<Transaction> {
    return unwrap(this.#ctx.api.transactions.createManual({ body, requestOptions: options }));
  }

  /**
   * Refunds `amount` minor units, or everything not yet refunded when it is absent
   * (`transaction:execute`); creates a credit note. Throws ConflictError with code
   * `REFUND_EXCEEDS_CAPTURED` beyond the captured amount. Idempotent like `checkouts.create`.
   */
  refund(id: string, body: RefundParams = {}, options: RequestOptions = {}): Promise<Refund> {
    return unwrap(this.#ctx.api.transactions.refund({ params: { id: pathParam(id, 'id') }, body, requestOptions: options }));
  }
}
