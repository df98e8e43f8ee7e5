import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type {
  ApiKey,
  ApiKeyWithToken,
  CreateApiKeyParams,
  ListApiKeysParams,
  RevokeApiKeyParams,
  RotateApiKeyParams,
  UpdateApiKeyParams,
} from '../types.js';

export interface OrganizationRequestOptions extends RequestOptions {
  /**
   * The organization to act on. Defaults to the calling key's own organization, asked of
   * `whoami` once and cached. Required with a system key, which has no organization.
   */
  organizationId?: string;
}

/**
 * Organization API keys (`/organizations/{orgId}/api-keys`). An organization key manages its
 * own organization's keys; a system key passes `{ organizationId }`.
 */
export class ApiKeys {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  async #org(options: OrganizationRequestOptions): Promise<string> {
    return pathParam(await this.#ctx.organization.resolve(options.organizationId, options), 'organizationId');
  }

  /** One page of keys (`api_key:read`). */
  async list(query: ListApiKeysParams = {}, options: OrganizationRequestOptions = {}): Promise<Page<ApiKey>> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.list({ params: { orgId }, query, requestOptions: options }));
  }

  /** Every key across pages: `for await (const key of gw.apiKeys.iterate({ status: 'active' }))`. */
  iterate(query: ListApiKeysParams = {}, options: OrganizationRequestOptions = {}): AsyncGenerator<ApiKey, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  /** Creates a key (`api_key:create`); the answer's `token` is shown this once only. */
  async create(body: CreateApiKeyParams, options: OrganizationRequestOptions = {}): Promise<ApiKeyWithToken> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.create({ params: { orgId }, body, requestOptions: options }));
  }

  /** A key's metadata (`api_key:read`); never its secret. */
  async get(keyId: string, options: OrganizationRequestOptions = {}): Promise<ApiKey> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.get({ params: { orgId, keyId: pathParam(keyId, 'keyId') }, requestOptions: options }));
  }

  /** Changes name, description, scopes, IP allowlist or expiry (`api_key:update`). */
  async update(keyId: string, body: UpdateApiKeyParams, options: OrganizationRequestOptions = {}): Promise<ApiKey> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.update({ params: { orgId, keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }

  /** Deletes a key permanently (`api_key:delete`). */
  async delete(keyId: string, options: OrganizationRequestOptions = {}): Promise<void> {
    const orgId = await this.#org(options);
    await this.#ctx.api.orgApiKeys.delete({ params: { orgId, keyId: pathParam(keyId, 'keyId') }, requestOptions: options });
  }

  /** Revokes a key at once, irreversibly (`api_key:execute`); revoking again is a no-op. */
  async revoke(keyId: string, body: RevokeApiKeyParams = {}, options: OrganizationRequestOptions = {}): Promise<ApiKey> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.revoke({ params: { orgId, keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }

  /** New secret for the same key id (`api_key:execute`); the old one lives on for `gracePeriodSeconds`. */
  async rotate(keyId: string, body: RotateApiKeyParams = {}, options: OrganizationRequestOptions = {}): Promise<ApiKeyWithToken> {
    const orgId = await this.#org(options);
    return unwrap(this.#ctx.api.orgApiKeys.rotate({ params: { orgId, keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }
}
