import { describe, expect, it } from 'vitest';
import { PaymentGateway } from './client.js';
import { PaymentGatewayConfigError } from './errors.js';
import { BASE_URL, KEY, seen, useMsw, whoamiHandler, server } from './test-support/msw.js';

useMsw();
const refused = { name: 'PaymentGatewayConfigError', code: 'ORGANIZATION_HEADER_NOT_ALLOWED' };

describe('X-Organization-ID is never sent', () => {
  it.each(['X-Organization-ID', 'x-organization-id', 'X-ORGANIZATION-ID', 'x-OrGaNiZaTiOn-Id', ' X-Organization-ID'])(
    'constructor headers refuse %j',
    (name) => {
      expect(() => new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, headers: { [name]: 'org_x' } })).toThrow(PaymentGatewayConfigError);
    },
  );

  it('constructor headers refuse Authorization too', () => {
    expect(() => new PaymentGateway({ apiKey: KEY, headers: { authorization: 'Bearer x' } })).toThrow(/Authorization/);
  });

  it.each([
    ['a record', { 'X-Organization-Id': 'org_x' }],
    ['a Headers object', new Headers({ 'x-organization-id': 'org_x' })],
    ['entry pairs', [['X-ORGANIZATION-ID', 'org_x']] as Array<[string, string]>],
  ])('per-call headers as %s throw before any request', async (_, headers) => {
    server.use(whoamiHandler());
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.whoami({ headers })).rejects.toMatchObject(refused);
    await expect(gw.apiKeys.list({}, { headers, organizationId: 'org_0123456789abcdefABCD' })).rejects.toMatchObject(refused);
    expect(seen).toHaveLength(0);
  });

  it('mutating the constructor headers object afterwards cannot add it', async () => {
    server.use(whoamiHandler());
    const headers: Record<string, string> = { 'x-trace': '1' };
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, headers });
    headers['X-Organization-ID'] = 'org_x';
    await gw.whoami();
    expect(seen[0]?.headers.get('x-trace')).toBe('1');
    expect(seen[0]?.headers.has('x-organization-id')).toBe(false);
  });

  it('the final request hook catches a header object that hides it from the first check', async () => {
    server.use(whoamiHandler());
    // A Proxy that shows no keys the first time it is enumerated and the header afterwards.
    let reads = 0;
    const sneaky = new Proxy({} as Record<string, string>, {
      ownKeys: () => (reads++ === 0 ? [] : ['X-Organization-ID']),
      getOwnPropertyDescriptor: () => ({ value: 'org_x', enumerable: true, configurable: true }),
      get: (_, key) => (key === 'X-Organization-ID' ? 'org_x' : undefined),
    });
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL });
    await expect(gw.whoami({ headers: sneaky })).rejects.toMatchObject({ ...refused, message: expect.stringMatching(/^Refusing to send/) });
    expect(seen).toHaveLength(0);
  });

  it('a custom fetch never receives a request carrying it', async () => {
    server.use(whoamiHandler());
    const received: Request[] = [];
    const gw = new PaymentGateway({
      apiKey: KEY,
      baseUrl: BASE_URL,
      fetch: (request) => {
        received.push(request);
        return fetch(request);
      },
    });
    await gw.whoami({ headers: { 'x-request-tag': 'ok' } });
    expect(received).toHaveLength(1);
    expect(received[0]?.headers.has('x-organization-id')).toBe(false);
    expect(seen[0]?.headers.get('x-request-tag')).toBe('ok');
  });
});
