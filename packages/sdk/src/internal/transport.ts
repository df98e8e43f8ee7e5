import type { ApiFetcherArgs } from '@ts-rest/core';
import ky, { TimeoutError as KyTimeoutError } from 'ky';
import { ApiError, connectionErrorFor, PaymentGatewayConfigError, PaymentGatewayError, redactUrl, TimeoutError } from '../errors.js';
import { checkMaxRetries, checkTimeout, type RequestOptions, type ResolvedOptions } from '../options.js';
import { assertNoForbiddenHeaders, ORGANIZATION_HEADER, toHeaderRecord } from './headers.js';
import { idempotencyHeaderFor } from './idempotency.js';
import { backoffDelay, isIdempotent, isRetryableIdempotentAnswer, isRetryableStatus, responseRetryDelay, sleep } from './retry.js';
import { createRotationWarner } from './rotation-warning.js';

/** Per-call options as the transport sees them. */
export interface CallOptions extends RequestOptions {
  /** Non-2xx statuses that carry a normal body for this route (e.g. 503 from deep health). */
  acceptStatuses?: readonly number[];
  /** A 2xx answer's body is the unread `Response` (streamed exports); errors are read and thrown as usual. */
  rawResponse?: boolean;
}

export interface TransportConfig extends ResolvedOptions {
  /** Returns the `Authorization` header value; validates a function-valued key on each call. */
  authorization: () => Promise<string>;
}

export type SdkFetcherArgs = ApiFetcherArgs & { requestOptions?: CallOptions };
export interface TransportResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

function refuseOrganizationHeader(request: Request): void {
  if (request.headers.has(ORGANIZATION_HEADER)) {
    throw new PaymentGatewayConfigError(
      'ORGANIZATION_HEADER_NOT_ALLOWED',
      'Refusing to send X-Organization-ID: the organization always comes from the API key.',
    );
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  if (!(response.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The ts-rest `api` fetcher: sends through ky (no ky retries, no ky HTTP errors), retries
 * idempotent calls, and turns every non-2xx answer into a typed `ApiError`.
 */
export function createTransport(config: TransportConfig): (args: SdkFetcherArgs) => Promise<TransportResponse> {
  // The last line of defence: whatever path a header took, no request leaves with it.
  const guardedFetch = (input: Request, init?: RequestInit): Promise<Response> => {
    refuseOrganizationHeader(input);
    return (config.fetch ?? globalThis.fetch)(input, init);
  };
  const http = ky.create({
    retry: 0,
    throwHttpErrors: false,
    fetch: guardedFetch as typeof fetch,
    hooks: { beforeRequest: [(request) => refuseOrganizationHeader(request)] },
  });
  const baseHeaders = toHeaderRecord(config.headers);
  const warnIfRotationDue = createRotationWarner(config.onWarning);

  return async (args) => {
    const options = args.requestOptions ?? {};
    assertNoForbiddenHeaders(options.headers, 'per-call headers');
    const callHeaders = toHeaderRecord(options.headers);
    const timeout = options.timeout === undefined ? config.timeout : checkTimeout(options.timeout, 'timeout');
    const maxRetries = options.maxRetries === undefined ? config.maxRetries : checkMaxRetries(options.maxRetries, 'maxRetries');
    // Money-moving POSTs carry one Idempotency-Key for every attempt, which makes them retryable.
    const idempotency = idempotencyHeaderFor(args.route, options.idempotencyKey, callHeaders);
    const retryable = isIdempotent(args.method) || idempotency !== undefined;
    const signal = options.signal ?? args.fetchOptions?.signal ?? undefined;

    for (let attempt = 0; ; attempt++) {
      let response: Response;
      let authorization: string;
      try {
        authorization = await config.authorization();
        response = await http(args.path, {
          method: args.method,
          headers: { ...baseHeaders, ...args.headers, ...callHeaders, ...idempotency, accept: 'application/json', authorization },
          body: args.body ?? undefined,
          timeout,
          signal,
        });
      } catch (error) {
        if (error instanceof PaymentGatewayError) throw error;
        if (signal?.aborted) throw signal.reason;
        const mapped =
          error instanceof KyTimeoutError
            ? new TimeoutError(timeout, { cause: error, method: args.method, url: redactUrl(args.path) })
            : connectionErrorFor(args.method, args.path, error);
        if (!retryable || attempt >= maxRetries) throw mapped;
        await sleep(backoffDelay(attempt), signal);
        continue;
      }
      warnIfRotationDue(response.headers, authorization);
      if (options.rawResponse && response.ok) return { status: response.status, body: response, headers: response.headers };
      const body = await readBody(response);
      if (response.ok || options.acceptStatuses?.includes(response.status)) {
        return { status: response.status, body, headers: response.headers };
      }
      const again = idempotency ? isRetryableIdempotentAnswer(response.status, body) : isRetryableStatus(response.status);
      const delay = retryable && attempt < maxRetries && again ? responseRetryDelay(attempt, response.headers) : undefined;
      if (delay === undefined) throw ApiError.from(response.status, body, response.headers);
      await sleep(delay, signal);
    }
  };
}
