import { apiContract, type ApiContract } from '@payment-gateway/contract';
import { initClient, tsRestFetchApi, type ApiFetcherArgs, type InitClientReturn } from '@ts-rest/core';
import { ApiError } from './api-error.js';

type ClientOptions = { baseUrl: string; baseHeaders: Record<string, string> };
/** The one typed client of the whole panel, generated from the contract. */
export type ApiClient = InitClientReturn<ApiContract, ClientOptions>;

const NO_RETRY = new Set<unknown>([apiContract.auth.login, apiContract.auth.refreshToken, apiContract.auth.logout]);

/**
 * The data layer: one ts-rest client built from the contract, holding the session's access token
 * in memory only (never in storage). The refresh token is the server's HttpOnly cookie
 * (`gw_refresh`, path /api/v1/auth, SameSite=Strict): a 401 on any other route triggers one
 * refresh and one retry; a failed refresh ends the session (SPEC §4.4).
 */
export class Api {
  readonly client: ApiClient;
  private token: string | null = null;
  private refreshing: Promise<boolean> | null = null;
  /** Called when the session ends on its own (refresh refused). */
  onSessionLost: () => void = () => {};

  constructor(baseUrl: string) {
    this.client = initClient(apiContract, {
      baseUrl,
      baseHeaders: {},
      api: (args: ApiFetcherArgs) => this.fetch(args),
    }) as ApiClient;
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  hasToken(): boolean {
    return this.token !== null;
  }

  /** Exchanges the refresh cookie for an access token; false when there is no live session. */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    const refreshing: Promise<boolean> = this.client.auth
      .refreshToken()
      .then((res): boolean => {
        if (res.status === 200) {
          this.token = res.body.token;
          return true;
        }
        this.token = null;
        return false;
      })
      .catch(() => false)
      .finally(() => {
        this.refreshing = null;
      });
    this.refreshing = refreshing;
    return refreshing;
  }

  private async fetch(args: ApiFetcherArgs) {
    const send = () =>
      tsRestFetchApi({
        ...args,
        headers: { ...args.headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
        fetchOptions: { ...args.fetchOptions, credentials: 'same-origin' },
      }).catch((err: unknown) => {
        throw new ApiError(`The server could not be reached (${err instanceof Error ? err.message : String(err)})`, 0, 'NETWORK', null);
      });
    const res = await send();
    if (res.status !== 401 || !this.token || NO_RETRY.has(args.route)) return res;
    if (await this.refresh()) return send();
    this.onSessionLost();
    return res;
  }
}
