import { pathParam, unwrap } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import { paginate, type Page } from '../pagination.js';
import type {
  ApiKey,
  ApiKeyUsage,
  ApiKeyWithToken,
  CreateApiKeyParams,
  ListApiKeysParams,
  RevokeApiKeyParams,
  RotateApiKeyParams,
  UpdateApiKeyParams,
} from '../types.js';

type Answer<B> = { status: 200 | 201; body: B } | { status: number; body: unknown };
type Call<Args, B> = (args: Args & { requestOptions: RequestOptions }) => Promise<Answer<B>>;

/** The key routes of one tier; `P` are the path params that name the owner (`{ orgId }` or none). */
export interface KeyRoutes<P> {
  list: Call<{ params: P; query: ListApiKeysParams }, Page<ApiKey>>;
  create: Call<{ params: P; body: CreateApiKeyParams }, ApiKeyWithToken>;
  get: Call<{ params: P & { keyId: string } }, ApiKey>;
  update: Call<{ params: P & { keyId: string }; body: UpdateApiKeyParams }, ApiKey>;
  delete: Call<{ params: P & { keyId: string } }, unknown>;
  revoke: Call<{ params: P & { keyId: string }; body: RevokeApiKeyParams }, ApiKey>;
  rotate: Call<{ params: P & { keyId: string }; body: RotateApiKeyParams }, ApiKeyWithToken>;
  usage: Call<{ params: P & { keyId: string } }, ApiKeyUsage>;
}

/** The key lifecycle, the same on both tiers: only the routes and how the owner is named differ. */
export abstract class KeyOperations<O extends RequestOptions, P> {
  readonly #routes: KeyRoutes<P>;
  readonly #owner: (options: O) => Promise<P>;
  constructor(routes: KeyRoutes<P>, owner: (options: O) => Promise<P>) {
    this.#routes = routes;
    this.#owner = owner;
  }

  async #key(keyId: string, options: O): Promise<P & { keyId: string }> {
    return { ...(await this.#owner(options)), keyId: pathParam(keyId, 'keyId') };
  }

  /** One page of keys (`api_key:read`). */
  async list(query: ListApiKeysParams = {}, options = {} as O): Promise<Page<ApiKey>> {
    return unwrap(this.#routes.list({ params: await this.#owner(options), query, requestOptions: options }));
  }

  /** Every key across pages: `for await (const key of gw.apiKeys.iterate({ status: 'active' }))`. */
  iterate(query: ListApiKeysParams = {}, options = {} as O): AsyncGenerator<ApiKey, void, undefined> {
    return paginate((page) => this.list({ ...query, page }, options), query.page);
  }

  /** Creates a key (`api_key:create`); the answer's `token` is shown this once only. */
  async create(body: CreateApiKeyParams, options = {} as O): Promise<ApiKeyWithToken> {
    return unwrap(this.#routes.create({ params: await this.#owner(options), body, requestOptions: options }));
  }

  /** A key's metadata (`api_key:read`); never its secret. */
  async get(keyId: string, options = {} as O): Promise<ApiKey> {
    return unwrap(this.#routes.get({ params: await this.#key(keyId, options), requestOptions: options }));
  }

  /** Changes name, description, scopes, IP allowlist or expiry (`api_key:update`). */
  async update(keyId: string, body: UpdateApiKeyParams, options = {} as O): Promise<ApiKey> {
    return unwrap(this.#routes.update({ params: await this.#key(keyId, options), body, requestOptions: options }));
  }

  /** Deletes a key permanently (`api_key:delete`). */
  async delete(keyId: string, options = {} as O): Promise<void> {
    await this.#routes.delete({ params: await this.#key(keyId, options), requestOptions: options });
  }

  /** Revokes a key at once, irreversibly (`api_key:execute`); revoking again is a no-op. */
  async revoke(keyId: string, body: RevokeApiKeyParams = {}, options = {} as O): Promise<ApiKey> {
    return unwrap(this.#routes.revoke({ params: await this.#key(keyId, options), body, requestOptions: options }));
  }

  /** New secret for the same key id (`api_key:execute`); the old one lives on for `gracePeriodSeconds`. */
  async rotate(keyId: string, body: RotateApiKeyParams = {}, options = {} as O): Promise<ApiKeyWithToken> {
    return unwrap(this.#routes.rotate({ params: await this.#key(keyId, options), body, requestOptions: options }));
  }

  /**
   * A key's requests per UTC hour over the last 7 days (`api_key:read`, SPEC §4.1 key routes):
   * `{ keyId, from, to, totals: { accepted, refused }, hours }`, where `hours` holds 168
   * buckets `{ hour, accepted, refused }`, oldest first, the current hour last (timestamps ISO
   * 8601 UTC; `to` is exclusive). `accepted` counts requests the key authenticated that passed
   * authorization; `refused` counts requests that proved the key but were refused (revoked,
   * expired, IP, organization, scope or rate limit); a wrong secret is not counted. Counts are
   * written in batches, so the current hour lags by up to the server's `LAST_USED_FLUSH_MS`.
   * A GET: retried like every read.
   * @throws NotFoundError `NOT_FOUND` for an unknown key (or one of another organization); PermissionDeniedError
   *   `INSUFFICIENT_SCOPE` without `api_key:read`; the usual AuthenticationError, RateLimitError,
   *   ConnectionError and TimeoutError.
   * @example
   * const { totals } = await gw.apiKeys.usage(keyId);
   * console.log(`${totals.accepted} accepted, ${totals.refused} refused in 7 days`);
   */
  async usage(keyId: string, options = {} as O): Promise<ApiKeyUsage> {
    return unwrap(this.#routes.usage({ params: await this.#key(keyId, options), requestOptions: options }));
  }
}
