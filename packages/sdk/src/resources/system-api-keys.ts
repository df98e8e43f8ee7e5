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

/**
 * System API keys (`/system/api-keys`). The server accepts only global-admin sessions here,
 * so an API key gets `PermissionDeniedError` (`CREDENTIAL_NOT_ACCEPTED`); listed for completeness.
 */
export class SystemApiKeys {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  list(query: ListApiKeysParams = {}, options: RequestOptions = {}): Promise<Page<ApiKey>> {
    return unwrap(this.#ctx.api.systemApiKeys.list({ query, requestOptions: options }));
  }

  iterate(query: ListApiKeysParams = {}, options: RequestOptions = {}): AsyncGenerator<ApiKey, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  create(body: CreateApiKeyParams, options: RequestOptions = {}): Promise<ApiKeyWithToken> {
    return unwrap(this.#ctx.api.systemApiKeys.create({ body, requestOptions: options }));
  }

  get(keyId: string, options: RequestOptions = {}): Promise<ApiKey> {
    return unwrap(this.#ctx.api.systemApiKeys.get({ params: { keyId: pathParam(keyId, 'keyId') }, requestOptions: options }));
  }

  update(keyId: string, body: UpdateApiKeyParams, options: RequestOptions = {}): Promise<ApiKey> {
    return unwrap(this.#ctx.api.systemApiKeys.update({ params: { keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }

  async delete(keyId: string, options: RequestOptions = {}): Promise<void> {
    await this.#ctx.api.systemApiKeys.delete({ params: { keyId: pathParam(keyId, 'keyId') }, requestOptions: options });
  }

  revoke(keyId: string, body: RevokeApiKeyParams = {}, options: RequestOptions = {}): Promise<ApiKey> {
    return unwrap(this.#ctx.api.systemApiKeys.revoke({ params: { keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }

  rotate(keyId: string, body: RotateApiKeyParams = {}, options: RequestOptions = {}): Promise<ApiKeyWithToken> {
    return unwrap(this.#ctx.api.systemApiKeys.rotate({ params: { keyId: pathParam(keyId, 'keyId') }, body, requestOptions: options }));
  }
}
