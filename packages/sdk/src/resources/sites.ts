import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { CreateSiteParams, ListSitesParams, Site } from '../types.js';

/** The merchant sites checkouts are taken for (`site:read`, `site:create`, `site:delete`). */
export class Sites {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListSitesParams = {}, options: RequestOptions = {}): Promise<Page<Site>> {
    return unwrap(this.#ctx.api.sites.list({ query, requestOptions: options }));
  }

  iterate(query: ListSitesParams = {}, options: RequestOptions = {}): AsyncGenerator<Site, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  create(body: CreateSiteParams, options: RequestOptions = {}): Promise<Site> {
    return unwrap(this.#ctx.api.sites.create({ body, requestOptions: options }));
  }

  get(id: string, options: RequestOptions = {}): Promise<Site> {
    return unwrap(this.#ctx.api.sites.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Deletes a site; its open checkouts are cancelled, its transactions stay. */
  async delete(id: string, options: RequestOptions = {}): Promise<void> {
    await this.#ctx.api.sites.delete({ params: { id: pathParam(id, 'id') }, requestOptions: options });
  }
}
