import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { PaymentGateway } from './client.js';
import { AuthenticationError, PaymentGatewayConfigError } from './errors.js';
import { BASE_URL, errorBody, http, KEY, makeKey, seen, server, useMsw, whoamiHandler } from './test-support/msw.js';

useMsw();
const SECRET = KEY.slice(KEY.indexOf('.') + 1);

function expectNoSecret(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(SECRET.slice(0, 20));
}

describe('construction', () => {
  it('checks a string key offline and says what is wrong without echoing it', () => {
    const bad = KEY.slice(0, -1) + (KEY.endsWith('0') ? '1' : '0');
    let error: unknown;
    try {
      new PaymentGateway({ apiKey: bad, baseUrl: BASE_URL });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaymentGatewayConfigError);
    expect((error as PaymentGatewayConfigError).code).toBe('INVALID_API_KEY');
    expect((error as Error).message).toMatch(/checksum/);
    expectNoSecret(String(error) + (error as Error).stack);
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['malformed', 'sk_live_123'],
  ])('refuses a %s key', (_, apiKey) => {
    expect(() => new PaymentGateway({ apiKey: apiKey as string })).toThrow(PaymentGatewayConfigError);
  });

  it('validates options', () => {
    expect(() => new PaymentGateway({ apiKey: KEY, baseUrl: 'not a url' })).toThrow(/baseUrl/);
    expect(() => new PaymentGateway({ apiKey: KEY, timeout: 0 })).toThrow(/timeout/);
    expect(() => new PaymentGateway({ apiKey: KEY, maxRetries: -1 })).toThrow(/maxRetries/);
  });

  it('defaults baseUrl to http://localhost:3000 and strips a trailing slash', () => {
    expect(new PaymentGateway({ apiKey: KEY }).baseUrl).toBe('http://localhost:3000');
    expect(new PaymentGateway({ apiKey: KEY, baseUrl: `${BASE_URL}/` }).baseUrl).toBe(BASE_URL);
  });
});

describe('key redaction', () => {
  const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });

  it('keeps the key out of enumerable properties, inspect and JSON', () => {
    expectNoSecret(inspect(gw, { depth: 10, showHidden: true }));
    expectNoSecret(inspect(gw.apiKeys, { depth: 10, showHidden: true }));
    expectNoSecret(JSON.stringify(gw));
    expectNoSecret(JSON.stringify(Object.entries(gw)));
    expect(Object.keys(gw)).not.toContain('apiKey');
    expect(inspect(gw)).toContain('[REDACTED]');
  });

  it('keeps the key out of error messages', async () => {
    server.use(http.get(`${BASE_URL}/api/v1/auth/whoami`, () => errorBody('INVALID_CREDENTIALS', 401)));
    const error = await gw.whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expectNoSecret(`${String(error)} ${(error as Error).stack} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`);
  });

  it('sends the key as a bearer token', async () => {
    server.use(whoamiHandler());
    await gw.whoami();
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
  });
});

describe('function-valued keys', () => {
  it('calls a sync function per request, so a rotated key is picked up', async () => {
    server.use(whoamiHandler());
    let current = makeKey('a');
    const apiKey = vi.fn(() => current);
    const gw = new PaymentGateway({ apiKey, baseUrl: BASE_URL });
    expect(apiKey).not.toHaveBeenCalled();
    await gw.whoami();
    current = makeKey('b');
    await gw.whoami();
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual([`Bearer ${makeKey('a')}`, `Bearer ${makeKey('b')}`]);
  });

  it('awaits an async function', async () => {
    server.use(whoamiHandler());
    const gw = new PaymentGateway({ apiKey: async () => makeKey('c'), baseUrl: BASE_URL });
    await gw.whoami();
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${makeKey('c')}`);
  });

  it('validates each returned key before any request, without echoing it', async () => {
    server.use(whoamiHandler());
    const broken = makeKey('d').slice(0, -2);
    const gw = new PaymentGateway({ apiKey: () => broken, baseUrl: BASE_URL });
    const error = await gw.whoami().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentGatewayConfigError);
    expect((error as Error).message).not.toContain(broken.slice(3, 40));
    expect(seen).toHaveLength(0);
  });

  it('wraps a throwing function in a config error and sends nothing', async () => {
    const gw = new PaymentGateway({
      apiKey: () => {
        throw new Error('vault down');
      },
      baseUrl: BASE_URL,
    });
    await expect(gw.whoami()).rejects.toMatchObject({ name: 'PaymentGatewayConfigError', code: 'INVALID_API_KEY' });
    expect(seen).toHaveLength(0);
  });
});
