import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { CreateRecurringScheduleParams, ListRecurringSchedulesParams, RecurringSchedule } from '../types.js';

/** Recurring invoice schedules, governed by the invoice scopes (there is no `recurring:*`). */
export class RecurringSchedules {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListRecurringSchedulesParams = {}, options: RequestOptions = {}): Promise<Page<RecurringSchedule>> {
    return unwrap(this.#ctx.api.invoices.listRecurring({ query, requestOptions: options }));
  }

  iterate(query: ListRecurringSchedulesParams = {}, options: RequestOptions = {}): AsyncGenerator<RecurringSchedule, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  create(body: CreateRecurringScheduleParams, options: RequestOptions = {}): Promise<RecurringSchedule> {
    return unwrap(this.#ctx.api.invoices.createRecurring({ body, requestOptions: options }));
  }

  get(id: string, options: RequestOptions = {}): Promise<RecurringSchedule> {
    return unwrap(this.#ctx.api.invoices.getRecurring({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Pauses an active schedule (`invoice:execute`). */
  pause(id: string, options: RequestOptions = {}): Promise<RecurringSchedule> {
    return unwrap(this.#ctx.api.invoices.pauseRecurring({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Resumes a paused schedule (`invoice:execute`). */
  resume(id: string, options: RequestOptions = {}): Promise<RecurringSchedule> {
    return unwrap(this.#ctx.api.invoices.resumeRecurring({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }

  /** Cancels a schedule for good (`invoice:execute`). */
  cancel(id: string, options: RequestOptions = {}): Promise<RecurringSchedule> {
    return unwrap(this.#ctx.api.invoices.cancelRecurring({ params: { id: pathParam(id, 'id') }, requestOptions: options }));
  }
}
