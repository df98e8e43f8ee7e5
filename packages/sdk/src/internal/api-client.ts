import { apiContract } from '@payment-gateway/contract';
import { initClient } from '@ts-rest/core';
import { PaymentGatewayConfigError } from '../errors.js';
import type { OrganizationContext } from './organization-context.js';
import type { SdkFetcherArgs, TransportResponse } from './transport.js';

/** The typed ts-rest client over the whole API contract, sending through the SDK transport. */
export function createApiClient(baseUrl: string, api: (args: SdkFetcherArgs) => Promise<TransportResponse>) {
  return initClient(apiContract, { baseUrl, api, validateResponse: false, throwOnUnknownStatus: false });
}
export type ApiClient = ReturnType<typeof createApiClient>;

/** What every resource needs: the typed client and the calling key's organization. */
export interface ResourceContext {
  api: ApiClient;
  organization: OrganizationContext;
}

type SuccessStatus = 200 | 201 | 202 | 204;
/** The 2xx body of a ts-rest response union. */
export type SuccessBody<R> = R extends { status: SuccessStatus; body: infer B } ? B : never;

/** The transport throws on every non-2xx answer, so what arrives here is the success body. */
export async function unwrap<R extends { status: number; body: unknown }>(response: Promise<R>): Promise<SuccessBody<R>> {
  return (await response).body as SuccessBody<R>;
}

/**
 * Encodes one path segment. ts-rest inserts params verbatim and drops empty ones, which could
 * turn `revoke('')` into a call on the collection; refuse that, and escape `/`, `?`, `#`, `..`.
 */
export function pathParam(value: string, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PaymentGatewayConfigError('INVALID_OPTION', `${name} must be a non-empty string.`);
  }
  const encoded = encodeURIComponent(value);
  return encoded === '.' || encoded === '..' ? encoded.replaceAll('.', '%2E') : encoded;
}
