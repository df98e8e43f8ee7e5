import type { ErrorCode } from '@payment-gateway/contract';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { PaymentGateway } from './client.js';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
  ValidationError,
  type ApiErrorCode,
} from './errors.js';
import { BASE_URL, errorBody, http, HttpResponse, KEY, server, useMsw } from './test-support/msw.js';

useMsw();
const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 0 });
const clientsUrl = `${BASE_URL}/api/v1/clients`;

async function failure(status: number, code: string, init: { details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
  server.use(
    http.post(clientsUrl, () => {
      const response = errorBody(code, status, init.details);
      for (const [k, v] of Object.entries(init.headers ?? {})) response.headers.set(k, v);
      return response;
    }),
  );
  return (await gw.clients.create({ email: 'a@example.com', name: 'A' }).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  )) as ApiError;
}

describe('error mapping', () => {
  it.each([
    [400, 'VALIDATION_FAILED', BadRequestError],
    [401, 'INVALID_CREDENTIALS', AuthenticationError],
    [403, 'INSUFFICIENT_SCOPE', PermissionDeniedError],
    [404, 'NOT_FOUND', NotFoundError],
    [409, 'CONFLICT', ConflictError],
    [422, 'PORTAL_DISABLED', UnprocessableEntityError],
    [429, 'RATE_LIMITED', RateLimitError],
    [500, 'INTERNAL_ERROR', InternalServerError],
    [503, 'SERVICE_UNAVAILABLE', InternalServerError],
    [413, 'PAYLOAD_TOO_LARGE', ApiError],
  ])('%i %s → %s', async (status, code, Class) => {
    const error = await failure(status, code, { details: { issues: [] } });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, code, requestId: 'req_body', details: { issues: [] } });
    expect(error.message).toContain(code);
  });

  it('ValidationError is the 400 class', async () => {
    expect(await failure(400, 'UNKNOWN_SCOPE')).toBeInstanceOf(ValidationError);
  });

  it('PermissionDeniedError exposes requiredScope', async () => {
    const error = (await failure(403, 'INSUFFICIENT_SCOPE', { details: { requiredScope: 'client:create' } })) as PermissionDeniedError;
    expect(error.requiredScope).toBe('client:create');
  });

  it('RateLimitError exposes Retry-After in seconds', async () => {
    const error = (await failure(429, 'RATE_LIMITED', { headers: { 'retry-after': '7' } })) as RateLimitError;
    expect(error.retryAfter).toBe(7);
  });

  it('takes requestId from X-Request-ID when the body has none, and survives a non-JSON body', async () => {
    server.use(
      http.post(
        clientsUrl,
        () =>
          new HttpResponse('<html>Bad gateway</html>', {
            status: 502,
            headers: { 'x-request-id': 'req_hdr', 'content-type': 'text/html' },
          }),
      ),
    );
    const error = (await gw.clients.create({ email: 'a@example.com', name: 'A' }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 502, code: 'UNKNOWN_ERROR', requestId: 'req_hdr' });
  });

  it('types code as the contract error codes so switch narrows', () => {
    expectTypeOf<ApiError['code']>().toEqualTypeOf<ApiErrorCode>();
    expectTypeOf<ErrorCode>().toMatchTypeOf<ApiErrorCode>();
  });
});
