import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type {
  AuditEvent,
  CreateOrganizationParams,
  CreateUserParams,
  ListOrganizationsParams,
  ListSystemAuditEventsParams,
  ListUsersParams,
  Membership,
  Organization,
  RecurringRun,
  RecurringStatus,
  SetMembershipParams,
  SystemHealth,
  SystemSettings,
  UpdateOrganizationParams,
  UpdateSystemSettingsParams,
  User,
} from '../types.js';

/** Organizations (`organization:read/create/update/delete`, system keys). */
export class SystemOrganizations {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListOrganizationsParams = {}, options: RequestOptions = {}): Promise<Page<Organization>> {
    return unwrap(this.#ctx.api.system.listOrganizations({ query, requestOptions: options }));
  }

  iterate(query: ListOrganizationsParams = {}, options: RequestOptions = {}): AsyncGenerator<Organization, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  /** Provisions an organization. */
  create(body: CreateOrganizationParams, options: RequestOptions = {}): Promise<Organization> {
    return unwrap(this.#ctx.api.system.createOrganization({ body, requestOptions: options }));
  }

  get(organizationId: string, options: RequestOptions = {}): Promise<Organization> {
    return unwrap(
      this.#ctx.api.system.getOrganization({ params: { orgId: pathParam(organizationId, 'organizationId') }, requestOptions: options }),
    );
  }

  update(organizationId: string, body: UpdateOrganizationParams, options: RequestOptions = {}): Promise<Organization> {
    return unwrap(
      this.#ctx.api.system.updateOrganization({
        params: { orgId: pathParam(organizationId, 'organizationId') },
        body,
        requestOptions: options,
      }),
    );
  }

  /** Offboards an organization: status `offboarded`, every key revoked. */
  offboard(organizationId: string, options: RequestOptions = {}): Promise<Organization> {
    return unwrap(
      this.#ctx.api.system.offboardOrganization({
        params: { orgId: pathParam(organizationId, 'organizationId') },
        requestOptions: options,
      }),
    );
  }
}

/** Dashboard users and their memberships (`system:read`/`system:update`). */
export class SystemUsers {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListUsersParams = {}, options: RequestOptions = {}): Promise<Page<User>> {
    return unwrap(this.#ctx.api.system.listUsers({ query, requestOptions: options }));
  }

  iterate(query: ListUsersParams = {}, options: RequestOptions = {}): AsyncGenerator<User, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  create(body: CreateUserParams, options: RequestOptions = {}): Promise<User> {
    return unwrap(this.#ctx.api.system.createUser({ body, requestOptions: options }));
  }

  /** Sets a user's role in an organization. */
  setMembership(organizationId: string, userId: string, body: SetMembershipParams, options: RequestOptions = {}): Promise<Membership> {
    const params = { orgId: pathParam(organizationId, 'organizationId'), userId: pathParam(userId, 'userId') };
    return unwrap(this.#ctx.api.system.setMembership({ params, body, requestOptions: options }));
  }

  async removeMembership(organizationId: string, userId: string, options: RequestOptions = {}): Promise<void> {
    const params = { orgId: pathParam(organizationId, 'organizationId'), userId: pathParam(userId, 'userId') };
    await this.#ctx.api.system.removeMembership({ params, requestOptions: options });
  }
}

/** Gateway-wide settings: portal policy, key policy, organization defaults. */
export class SystemSettingsResource {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  get(options: RequestOptions = {}): Promise<SystemSettings> {
    return unwrap(this.#ctx.api.system.getSettings({ requestOptions: options }));
  }

  /** Merges: what is given replaces what is stored; effective at once. */
  update(body: UpdateSystemSettingsParams, options: RequestOptions = {}): Promise<SystemSettings> {
    return unwrap(this.#ctx.api.system.updateSettings({ body, requestOptions: options }));
  }
}

/** Every organization's audit log, with filters (`system:read`). */
export class SystemAuditEvents {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListSystemAuditEventsParams = {}, options: RequestOptions = {}): Promise<Page<AuditEvent>> {
    return unwrap(this.#ctx.api.system.auditEvents({ query, requestOptions: options }));
  }

  iterate(query: ListSystemAuditEventsParams = {}, options: RequestOptions = {}): AsyncGenerator<AuditEvent, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }
}

/** Recurring invoice processing (SPEC §5): run it now (`system:execute`), or read its status (`system:read`). */
export class SystemRecurring {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Generates the invoices of every due schedule period now (each period once, however often
   * this runs). Throws `ConflictError` with code `RECURRING_RUN_IN_PROGRESS` while another run
   * (a timer or another caller) holds the lease.
   */
  process(options: RequestOptions = {}): Promise<RecurringRun> {
    return unwrap(this.#ctx.api.system.processRecurring({ requestOptions: options }));
  }

  /** Last run, this instance's next timer run, generated count, due schedules. */
  status(options: RequestOptions = {}): Promise<RecurringStatus> {
    return unwrap(this.#ctx.api.system.recurringStatus({ requestOptions: options }));
  }
}

/** System administration, for system keys. */
export class SystemResource {
  readonly organizations: SystemOrganizations;
  readonly users: SystemUsers;
  readonly settings: SystemSettingsResource;
  readonly auditEvents: SystemAuditEvents;
  readonly recurring: SystemRecurring;
  readonly #ctx: ResourceContext;

  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
    this.organizations = new SystemOrganizations(ctx);
    this.users = new SystemUsers(ctx);
    this.settings = new SystemSettingsResource(ctx);
    this.auditEvents = new SystemAuditEvents(ctx);
    this.recurring = new SystemRecurring(ctx);
  }

  /**
   * Deep health (`system:read`). A degraded server answers 503 with the same report; it is
   * returned rather than thrown, and not retried, so the caller sees what is wrong.
   */
  async health(options: RequestOptions = {}): Promise<SystemHealth> {
    const response = await this.#ctx.api.system.health({ requestOptions: { maxRetries: 0, ...options, acceptStatuses: [503] } });
    return response.body as SystemHealth;
  }
}
