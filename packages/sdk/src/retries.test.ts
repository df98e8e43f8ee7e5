import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaymentGateway } from './client.js';
import { ConnectionError, InternalServerError, RateLimitError, TimeoutError } from './errors.js';
import { backoffDelay, MAX_RETRY_DELAY_MS, responseRetryDelay } from './internal/retry.js';
import { BASE_URL, errorBody, http, HttpResponse, KEY, seen, server, useMsw } from './test-support/msw.js';

useMsw();
const url = (path: string) => `${BASE_URL}/api/v1${path}`;
const page = { items: [], total: 0, page: 1, limit: 20 };
const client = {
  id: 'cli_0123456789abcdefAB',
  organizationId: 'org_0123456789abcdefABCD',
  email: 'a@example.com',
  name: 'A',
  externalId: null,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
};

// Full jitter with Math.random() = 0 waits 0 ms, so retry tests run instantly.
afterEach(() => vi.restoreAllMocks());
const noJitter = () => vi.spyOn(Math, 'random').mockReturnValue(0);

function failThen(times: number, fail: () => Response, ok: () => Response) {
  let calls = 0;
  return () => (calls++ < times ? fail() : ok());
}

describe('backoff', () => {
  it('grows exponentially, is jittered and capped', () => {
    expect(backoffDelay(0, () => 0.999)).toBe(499);
    expect(backoffDelay(1, () => 0.999)).toBe(999);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(10, () => 0.999)).toBeLessThan(MAX_RETRY_DELAY_MS);
    expect(backoffDelay(2, () => 0)).toBe(0);
  });

  it('honours Retry-After up to 60 s and refuses to wait longer', () => {
    expect(responseRetryDelay(0, new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(responseRetryDelay(0, new Headers({ 'retry-after': '61' }))).toBeUndefined();
    expect(responseRetryDelay(0, new Headers({ 'retry-after': new Date(Date.now() + 2000).toUTCString() }))).toBeLessThanOrEqual(3000);
  });
});

describe('retries', () => {
  it('retries a GET on 5xx and succeeds', async () => {
    noJitter();
    server.use(
      http.get(
        url('/clients'),
        failThen(
          2,
          () => errorBody('SERVICE_UNAVAILABLE', 503),
          () => HttpResponse.json(page),
        ),
      ),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.list()).resolves.toEqual(page);
    expect(seen).toHaveLength(3);
  });

  it('gives up after maxRetries (default 2) with the last error', async () => {
    noJitter();
    server.use(http.get(url('/clients'), () => errorBody('INTERNAL_ERROR', 500)));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(3);
    seen.length = 0;
    await expect(gw.clients.list({}, { maxRetries: 0 })).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);
  });

  it('never retries a POST, whatever the failure', async () => {
    noJitter();
    server.use(http.post(url('/clients'), () => errorBody('SERVICE_UNAVAILABLE', 503)));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 5 });
    await expect(gw.clients.create({ email: 'a@example.com', name: 'A' })).rejects.toBeInstanceOf(InternalServerError);
    expect(seen).toHaveLength(1);

    seen.length = 0;
    server.use(http.post(url('/clients'), () => HttpResponse.error()));
    await expect(gw.clients.create({ email: 'a@example.com', name: 'A' })).rejects.toBeInstanceOf(ConnectionError);
    expect(seen).toHaveLength(1);
  });

  it('does not retry other 4xx', async () => {
    server.use(http.get(url('/clients'), () => errorBody('INVALID_CREDENTIALS', 401)));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.list()).rejects.toMatchObject({ status: 401 });
    expect(seen).toHaveLength(1);
  });

  it('retries connection errors on idempotent calls', async () => {
    noJitter();
    server.use(
      http.get(
        url('/clients/:id'),
        failThen(
          1,
          () => HttpResponse.error(),
          () => HttpResponse.json(client),
        ),
      ),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.get(client.id)).resolves.toEqual(client);
    expect(seen).toHaveLength(2);
  });

  it('waits for Retry-After on 429 before retrying', async () => {
    const times: number[] = [];
    let calls = 0;
    server.use(
      http.get(url('/clients'), () => {
        times.push(Date.now());
        return calls++ === 0 ? rateLimited('1') : HttpResponse.json(page);
      }),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.list()).resolves.toEqual(page);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('throws RateLimitError at once when Retry-After is too long to wait', async () => {
    server.use(http.get(url('/clients'), () => rateLimited('3600')));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    const error = (await gw.clients.list().catch((e: unknown) => e)) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(3600);
    expect(seen).toHaveLength(1);
  });
});

describe('timeout', () => {
  it('fails with TimeoutError after the per-attempt timeout', async () => {
    server.use(
      http.post(url('/clients'), async () => {
        await new Promise((r) => setTimeout(r, 5000));
        return HttpResponse.json(client, { status: 201 });
      }),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, timeout: 50 });
    const started = Date.now();
    const error = await gw.clients.create({ email: 'a@example.com', name: 'A' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    // Gave up long before the server would have answered (a wide margin: shared, noisy machines).
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('retries a timed-out GET and honours a per-call timeout', async () => {
    noJitter();
    let calls = 0;
    // The first attempt never answers (until the client gives up); the retry answers at once. A
    // first answer after a fixed 300 ms raced the 50 ms timeout of the retry on a loaded machine.
    server.use(
      http.get(url('/clients'), async ({ request }) => {
        if (calls++ === 0) await new Promise((resolve) => request.signal.addEventListener('abort', resolve, { once: true }));
        return HttpResponse.json(page);
      }),
    );
    // The client's own timeout (60 s) would outlast the test: only the per-call one can end the first attempt.
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.clients.list({}, { timeout: 1000 })).resolves.toEqual(page);
    expect(calls).toBe(2);
  });
});

function rateLimited(retryAfter: string): Response {
  const response = errorBody('RATE_LIMITED', 429);
  response.headers.set('retry-after', retryAfter);
  return response;
}
