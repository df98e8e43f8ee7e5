import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type { AuditEvent, ListAuditEventsParams, OrganizationSettings, UpdateOrganizationSettingsParams } from '../types.js';
import type { OrganizationRequestOptions } from './api-keys.js';

/** The calling organization's settings (`organization:read`/`update`). */
export class OrganizationSettingsResource {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  get(options: RequestOptions = {}): Promise<OrganizationSettings> {
    return unwrap(this.#ctx.api.organization.getSettings({ requestOptions: options }));
  }

  /** E.g. `{ portalEnabled: true }` to open the customer portal. */
  update(body: UpdateOrganizationSettingsParams, options: RequestOptions = {}): Promise<OrganizationSettings> {
    return unwrap(this.#ctx.api.organization.updateSettings({ body, requestOptions: options }));
  }
}

/** The calling organization's audit log (`organization:read`). */
export class OrganizationAuditEvents {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  async list(query: ListAuditEventsParams = {}, options: OrganizationRequestOptions = {}): Promise<Page<AuditEvent>> {
    const orgId = pathParam(await this.#ctx.organization.resolve(options.organizationId, options), 'organizationId');
    return unwrap(this.#ctx.api.organization.auditEvents({ params: { orgId }, query, requestOptions: options }));
  }

  iterate(query: ListAuditEventsParams = {}, options: OrganizationRequestOptions = {}): AsyncGenerator<AuditEvent, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }
}

/** The calling key's own organization. */
export class OrganizationResource {
  readonly settings: OrganizationSettingsResource;
  readonly auditEvents: OrganizationAuditEvents;
  constructor(ctx: ResourceContext) {
    this.settings = new OrganizationSettingsResource(ctx);
    this.auditEvents = new OrganizationAuditEvents(ctx);
  }
}
