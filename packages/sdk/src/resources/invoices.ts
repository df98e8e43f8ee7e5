import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { CreateInvoiceParams, Invoice, ListInvoicesParams } from '../types.js';

/** Invoices of the calling organization: drafts, then issued (`invoice:*`). */
export class Invoices {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListInvoicesParams = {}, options: RequestOptions = {}): Promise<Page<Invoice>> {
    return unwrap(this.#ctx.api.invoices.list({ query, requestOptions: options }));
  }

  iterate(query: ListInvoicesParams = {}, options: RequestOptions = {}): AsyncGenerator<Invoice, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  /** Creates a draft invoice (`invoice:create`). */
  create(body: CreateInvoiceParams, options: RequestOptions = {}): Promise<Invoice> {
    return unwrap(this.#ctx.api.invoices.create({ body, requestOptions: options }));
  }

  get(id: string, options: RequestOptions = {}): Promise<Invoice> {
    return unwrap(this.#ctx.api.invoices.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Issues a draft (`invoice:execute`); issued invoices are visible in the customer portal. */
  issue(id: string, options: RequestOptions = {}): Promise<Invoice> {
    return unwrap(this.#ctx.api.invoices.issue({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }
}
