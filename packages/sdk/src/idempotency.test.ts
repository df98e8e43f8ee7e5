import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaymentGateway } from './client.js';
import { ConflictError, ConnectionError, PaymentGatewayConfigError, UnprocessableEntityError } from './errors.js';
import { BASE_URL, errorBody, http, HttpResponse, KEY, seen, server, useMsw } from './test-support/msw.js';

useMsw();
afterEach(() => vi.restoreAllMocks());
// Full jitter with Math.random() = 0 waits 0 ms, so retry tests run instantly.
const noJitter = () => vi.spyOn(Math, 'random').mockReturnValue(0);
const url = (path: string) => `${BASE_URL}/api/v1${path}`;
const SITE = 'site_0123456789abcdefABCD';
const TXN = 'txn_0123456789abcdefABCD';
const created = {
  id: 'chk_0123456789abcdefABCD',
  sessionPublicId: 'cs_x',
  shortCode: 'abc',
  paymentUrl: 'http://gateway.test/checkout/abc',
};
const body = {
  amount: 100,
  currency: 'EUR',
  email: 'a@example.com',
  items: [{ name: 'A', quantity: 1, unitPrice: 100, itemType: 'goods' as const }],
};
const keysSeen = () => seen.map((r) => r.headers.get('idempotency-key'));

function failThen(times: number, fail: () => Response, ok: () => Response) {
  let calls = 0;
  return () => (calls++ < times ? fail() : ok());
}

describe('Idempotency-Key on money-moving calls', () => {
  it('checkouts.create sends a random key and retries a 503 with the same key', async () => {
    noJitter();
    server.use(
      http.post(
        url(`/checkouts/${SITE}/create`),
        failThen(
          2,
          () => errorBody('SERVICE_UNAVAILABLE', 503),
          () => HttpResponse.json(created, { status: 201 }),
        ),
      ),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.checkouts.create(SITE, body)).resolves.toEqual(created);
    const keys = keysSeen();
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    // A second call gets a new key.
    seen.length = 0;
    await gw.checkouts.create(SITE, body);
    expect(keysSeen()[0]).not.toBe(keys[0]);
  });

  it('retries connection errors of a refund with the same key, and 409 IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    noJitter();
    let calls = 0;
    server.use(
      http.post(url(`/transactions/${TXN}/refund`), () => {
        calls++;
        if (calls === 1) return HttpResponse.error();
        if (calls === 2) return errorBody('IDEMPOTENCY_KEY_IN_PROGRESS', 409);
        return HttpResponse.json({ transaction: {}, creditNote: {} }, { status: 201 });
      }),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.transactions.refund(TXN, { amount: 5 })).resolves.toBeDefined();
    expect(new Set(keysSeen()).size).toBe(1);
    expect(seen).toHaveLength(3);
  });

  it('uses the caller key (option or header) and does not retry other 4xx', async () => {
    server.use(http.post(url('/transactions/manual'), () => errorBody('IDEMPOTENCY_KEY_REUSED', 422)));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 3 });
    await expect(gw.transactions.createManual({ amount: 1, currency: 'EUR' }, { idempotencyKey: 'order-42' })).rejects.toBeInstanceOf(
      UnprocessableEntityError,
    );
    expect(keysSeen()).toEqual(['order-42']);
    seen.length = 0;
    await expect(
      gw.transactions.createManual({ amount: 1, currency: 'EUR' }, { headers: { 'Idempotency-Key': 'order-43' } }),
    ).rejects.toThrow();
    expect(keysSeen()).toEqual(['order-43']);

    seen.length = 0;
    server.use(http.post(url(`/transactions/${TXN}/refund`), () => errorBody('REFUND_EXCEEDS_CAPTURED', 409)));
    await expect(gw.transactions.refund(TXN)).rejects.toBeInstanceOf(ConflictError);
    expect(seen).toHaveLength(1);
  });

  it('refuses a malformed key before any request', async () => {
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    for (const key of ['', 'has space', 'x'.repeat(256)]) {
      await expect(gw.transactions.createManual({ amount: 1, currency: 'EUR' }, { idempotencyKey: key })).rejects.toBeInstanceOf(
        PaymentGatewayConfigError,
      );
    }
    expect(seen).toHaveLength(0);
  });

  it('other POSTs carry no key and are still never retried', async () => {
    noJitter();
    server.use(http.post(url('/sites'), () => HttpResponse.error()));
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 3 });
    await expect(gw.sites.create({ name: 'S', url: 'https://s.example.com', defaultCurrency: 'EUR' })).rejects.toBeInstanceOf(
      ConnectionError,
    );
    expect(seen).toHaveLength(1);
    expect(keysSeen()).toEqual([null]);
  });
});
