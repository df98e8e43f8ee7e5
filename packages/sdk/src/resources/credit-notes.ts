import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { CreditNote, ListCreditNotesParams } from '../types.js';

/** Credit notes, one per refund (`credit_note:read`). */
export class CreditNotes {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListCreditNotesParams = {}, options: RequestOptions = {}): Promise<Page<CreditNote>> {
    return unwrap(this.#ctx.api.creditNotes.list({ query, requestOptions: options }));
  }

  iterate(query: ListCreditNotesParams = {}, options: RequestOptions = {}): AsyncGenerator<CreditNote, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  get(id: string, options: RequestOptions = {}): Promise<CreditNote> {
    return unwrap(this.#ctx.api.creditNotes.get({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }
}
