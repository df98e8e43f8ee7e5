import { KEY_ROTATION_DUE_HEADER } from '@payment-gateway/contract';
import { describe, expect, it, vi } from 'vitest';
import { PaymentGateway } from './client.js';
import { AuthenticationError } from './errors.js';
import { BASE_URL, errorBody, http, HttpResponse, KEY, makeKey, server, useMsw } from './test-support/msw.js';
import type { PaymentGatewayWarning } from './warnings.js';

useMsw();
const DUE = '2030-01-31T00:00:00.000Z';
const SECRET = KEY.slice(KEY.indexOf('.') + 1);

/** whoami answering with the rotation-due header (or not), as a gateway does for a due key. */
function dueWhoami(dueAt: string | null, status = 200) {
  server.use(
    http.get(`${BASE_URL}/api/v1/auth/whoami`, ({ request }) => {
      const keyId = /sk_([0-9A-Za-z]+)\./.exec(request.headers.get('authorization') ?? '')![1];
      const headers = dueAt ? { [KEY_ROTATION_DUE_HEADER]: dueAt } : undefined;
      if (status !== 200) return HttpResponse.json(JSON.parse('{}'), { status, headers });
      return HttpResponse.json(
        { type: 'api_key', keyId, name: 'k', tier: 'system', organizationId: null, scopes: [], expiresAt: null, rotationDueAt: dueAt },
        { headers },
      );
    }),
  );
}

describe('rotation-due warning', () => {
  it('warns once per client and key through onWarning, without the secret', async () => {
    dueWhoami(DUE);
    const warnings: PaymentGatewayWarning[] = [];
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, onWarning: (w) => warnings.push(w) });
    for (let i = 0; i < 3; i++) await gw.whoami();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'API_KEY_ROTATION_DUE', keyId: KEY.slice(3, 25), rotationDueAt: DUE });
    expect(warnings[0]!.message).toContain(DUE);
    expect(JSON.stringify(warnings)).not.toContain(SECRET.slice(0, 20));

    // Another client instance warns for itself.
    const other: PaymentGatewayWarning[] = [];
    await new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, onWarning: (w) => other.push(w) }).whoami();
    expect(other).toHaveLength(1);
  });

  it('warns per key: a key function that switches keys warns for each; a new due date warns again', async () => {
    dueWhoami(DUE);
    const warnings: PaymentGatewayWarning[] = [];
    let current = makeKey('a', 'A'.repeat(22));
    const gw = new PaymentGateway({ apiKey: () => current, baseUrl: BASE_URL, onWarning: (w) => warnings.push(w) });
    await gw.whoami();
    await gw.whoami();
    current = makeKey('b', 'B'.repeat(22));
    await gw.whoami();
    expect(warnings.map((w) => w.keyId)).toEqual(['A'.repeat(22), 'B'.repeat(22)]);
    dueWhoami('2031-01-01T00:00:00.000Z');
    await gw.whoami();
    expect(warnings).toHaveLength(3);
  });

  it('stays quiet without the header, and warns on an error answer that carries it', async () => {
    dueWhoami(null);
    const onWarning = vi.fn();
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, onWarning });
    await gw.whoami();
    expect(onWarning).not.toHaveBeenCalled();
    server.use(
      http.get(`${BASE_URL}/api/v1/auth/whoami`, () => {
        const res = errorBody('INSUFFICIENT_SCOPE', 403);
        res.headers.set(KEY_ROTATION_DUE_HEADER, DUE);
        return res;
      }),
    );
    await expect(gw.whoami()).rejects.toBeInstanceOf(Error);
    expect(onWarning).toHaveBeenCalledTimes(1);
  });

  it('defaults to process.emitWarning, once', async () => {
    dueWhoami(DUE);
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
      await gw.whoami();
      await gw.whoami();
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]![1]).toMatchObject({ type: 'PaymentGatewayWarning', code: 'API_KEY_ROTATION_DUE' });
    } finally {
      emit.mockRestore();
    }
  });

  it('a throwing onWarning does not fail the call; a non-function is refused', async () => {
    dueWhoami(DUE);
    const gw = new PaymentGateway({
      apiKey: KEY,
      baseUrl: BASE_URL,
      onWarning: () => {
        throw new Error('logger down');
      },
    });
    await expect(gw.whoami()).resolves.toMatchObject({ rotationDueAt: DUE });
    expect(() => new PaymentGateway({ apiKey: KEY, onWarning: 'log' as never })).toThrow(/onWarning/);
  });

  it('a 401 API_KEY_ROTATION_REQUIRED is an AuthenticationError with the code', async () => {
    server.use(
      http.get(`${BASE_URL}/api/v1/auth/whoami`, () =>
        errorBody('API_KEY_ROTATION_REQUIRED', 401, { rotationDueAt: DUE, refusedFrom: '2030-02-14T00:00:00.000Z' }),
      ),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, onWarning: () => {} });
    const error = await gw.whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe('API_KEY_ROTATION_REQUIRED');
  });
});
