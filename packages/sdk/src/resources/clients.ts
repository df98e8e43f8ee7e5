import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { Client, CreateClientParams, ListClientsParams } from '../types.js';

/** Billing clients of the calling organization (`client:read`, `client:create`). */
export class Clients {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /** One page of clients; filter by `email` or `externalId` to find one. */
  list(query: ListClientsParams = {}, options: RequestOptions = {}): Promise<Page<Client>> {
    return unwrap(this.#ctx.api.clients.list({ query, requestOptions: options }));
  }

  /** Every client across pages. */
  iterate(query: ListClientsParams = {}, options: RequestOptions = {}): AsyncGenerator<Client, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  create(body: CreateClientParams, options: RequestOptions = {}): Promise<Client> {
    return unwrap(this.#ctx.api.clients.create({ body, requestOptions: options }));
  }

  get(id: string, options: RequestOptions = {}): Promise<Client> {
    return unwrap(this.#ctx.api.clients.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }
}
