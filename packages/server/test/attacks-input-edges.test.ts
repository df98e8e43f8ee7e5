// Probe findings on input edges (SPEC §7.1, §7.3): text that cannot be stored as sent (lone UTF-16
// surrogates, bodies that are not UTF-8), names that are blank or reordered to the eye, API answers
// that a cache could keep, and a static directory answered with an HTML redirect page. Each test
// covers the whole kind on every route family and checks with a follow-up read that nothing was stored.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdminPanel } from '../src/http/admin-panel.js';
import { createErrorHandler, notFoundHandler } from '../src/http/error-handler.js';
import { requestId } from '../src/http/request-id.js';
import { noStoreByDefault } from '../src/http/security-headers.js';
import { ORG_KEY_SCOPES, SYSTEM_KEY_SCOPES } from './auth-matrix.js';
import { checkoutBody, createCommerceOrg, type CommerceOrg } from './commerce-fixtures.js';
import { DIALECTS, startTestServer, type HttpResult, type TestServer } from './harness.js';
import { ADMIN, sessionToken } from './session-helpers.js';
import { sendRaw as sendBytes } from './fuzz/raw-http.js';
import { ConfigError, loadConfig } from '../src/config.js';

/** The one error body with the given status and code, its requestId repeated in X-Request-ID. */
function expectErrorBody(res: HttpResult, status: number, code: string, label = ''): { path: string; message: string }[] {
  expect(res.status, `${label} ${JSON.stringify(res.body)}`).toBe(status);
  expect(res.headers.get('content-type') ?? '', label).toMatch(/^application\/json/);
  expect(typeof res.body.error, label).toBe('string');
  expect(res.body.code, label).toBe(code);
  expect(res.body.requestId, label).toBe(res.headers.get('x-request-id'));
  return res.body.details?.issues ?? [];
}

describe.each(DIALECTS)('input edges (%s)', (dialect) => {
  let server: TestServer;
  let acme: CommerceOrg;
  let orgKey: string;
  let systemKey: string;
  let admin: string;

  /** Sends `raw` exactly as given (a JSON text with escapes, or bytes) with a JSON content type. */
  const sendRaw = async (
    method: string,
    path: string,
    token: string | null,
    raw: string | Uint8Array,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof raw === 'string' ? raw : new Uint8Array(raw),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: the assertions say so */
    }
    return { status: res.status, body, headers: res.headers } as HttpResult;
  };
  const total = async (path: string, token: string) => {
    const res = await server.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.total as number;
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect, env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password } });
    acme = await createCommerceOrg(server, 'Acme');
    orgKey = (await server.createOrgKey(acme.organizationId, ORG_KEY_SCOPES)).token;
    systemKey = (await server.createSystemKey(SYSTEM_KEY_SCOPES)).token;
    admin = await sessionToken(server, ADMIN);
  });
  afterAll(async () => server?.close());

  describe('lone UTF-16 surrogates (JSON "\\ud800") cannot be stored as sent: 400 naming the field, nothing written', () => {
    it('on every kind of write route, in values and in object keys', async () => {
      const org = acme.organizationId;
      const victim = await server.createOrgKey(org, ['client:read']);
      const checkout = await acme.createCheckout();
      const txn = await acme.manualTransaction(500);
      // [label, method, path, credential, raw JSON text, the issue path]
      const cases: [string, string, string, string, string, string][] = [
        ['client name', 'POST', '/api/v1/clients', orgKey, '{"email":"s1@example.com","name":"a\\ud800b"}', 'body.name'],
        ['client name (low half)', 'POST', '/api/v1/clients', orgKey, '{"email":"s2@example.com","name":"ok\\udfff"}', 'body.name'],
        [
          'client externalId',
          'POST',
          '/api/v1/clients',
          orgKey,
          '{"email":"s3@example.com","name":"x","externalId":"\\ud800"}',
          'body.externalId',
        ],
        ['reversed pair', 'POST', '/api/v1/clients', orgKey, '{"email":"s4@example.com","name":"\\ude00\\ud83d"}', 'body.name'],
        ['key name', 'POST', `/api/v1/organizations/${org}/api-keys`, orgKey, '{"name":"\\ud800","scopes":["client:read"]}', 'body.name'],
        [
          'key description',
          'POST',
          `/api/v1/organizations/${org}/api-keys`,
          orgKey,
          '{"name":"k","description":"d\\udbff","scopes":["client:read"]}',
          'body.description',
        ],
        ['key update', 'PUT', `/api/v1/organizations/${org}/api-keys/${victim.id}`, orgKey, '{"name":"\\udbff"}', 'body.name'],
        [
          'revoke reason',
          'POST',
          `/api/v1/organizations/${org}/api-keys/${victim.id}/revoke`,
          orgKey,
          '{"reason":"\\ud800"}',
          'body.reason',
        ],
        ['site url', 'POST', '/api/v1/sites', orgKey, '{"name":"s","url":"https://a.example/\\ud800","defaultCurrency":"EUR"}', 'body.url'],
        [
          'checkout item name',
          'POST',
          `/api/v1/checkouts/${acme.siteId}/create`,
          acme.token,
          JSON.stringify(checkoutBody(100, { items: [{ name: 'W', quantity: 1, unitPrice: 100, itemType: 'goods' }] })).replace(
            '"W"',
            '"W\\ud800"',
          ),
          'body.items.0.name',
        ],
        ['checkout metadata key', 'PATCH', `/api/v1/checkouts/${checkout.id}`, acme.token, '{"metadata":{"\\ud800":"x"}}', 'body.metadata'],
        [
          'checkout reference',
          'PATCH',
          `/api/v1/checkouts/${checkout.id}`,
          acme.token,
          '{"externalReference":"\\udc00"}',
          'body.externalReference',
        ],
        [
          'manual transaction description',
          'POST',
          '/api/v1/transactions/manual',
          acme.token,
          '{"amount":5,"currency":"EUR","description":"\\ud800"}',
          'body.description',
        ],
        ['refund reason', 'POST', `/api/v1/transactions/${txn}/refund`, acme.token, '{"amount":1,"reason":"\\ud800"}', 'body.reason'],
        ['organization settings', 'PATCH', '/api/v1/organizations/settings', orgKey, '{"name":"\\ud800"}', 'body.name'],
        ['system organization', 'POST', '/api/v1/system/organizations', systemKey, '{"name":"\\ud800"}', 'body.name'],
        [
          'user password',
          'POST',
          '/api/v1/system/users',
          systemKey,
          `{"email":"u1@example.com","name":"u","password":"${'\\ud800'.repeat(12)}"}`,
          'body.password',
        ],
        [
          'clients import',
          'POST',
          '/api/v1/data-import-export/import',
          orgKey,
          '{"csv":"email,name,externalId\\r\\nimp@example.com,a\\ud800,\\r\\n"}',
          'body.csv',
        ],
        ['login password', 'POST', '/api/v1/auth/login', '', `{"email":"${ADMIN.email}","password":"\\ud800"}`, 'body.password'],
      ];
      const before = {
        clients: await total('/api/v1/clients', orgKey),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
        sites: await total('/api/v1/sites', orgKey),
        transactions: await total('/api/v1/transactions', acme.token),
        organizations: await total('/api/v1/system/organizations', systemKey),
        users: await total('/api/v1/system/users', systemKey),
      };
      for (const [label, method, path, token, raw, field] of cases) {
        const issues = expectErrorBody(await sendRaw(method, path, token || null, raw), 400, 'VALIDATION_FAILED', label);
        expect(issues, label).toContainEqual({ path: field, message: expect.stringMatching(/lone surrogate/) });
      }
      expect({
        clients: await total('/api/v1/clients', orgKey),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
        sites: await total('/api/v1/sites', orgKey),
        transactions: await total('/api/v1/transactions', acme.token),
        organizations: await total('/api/v1/system/organizations', systemKey),
        users: await total('/api/v1/system/users', systemKey),
      }).toEqual(before);
      const key = await server.request('GET', `/api/v1/organizations/${org}/api-keys/${victim.id}`, { token: orgKey });
      expect(key.body).toMatchObject({ name: 'test key', status: 'active' });
      const chk = await acme.call('GET', `/api/v1/checkouts/${checkout.id}`);
      expect(chk.body.externalReference).toBeNull();
      expect(chk.body.metadata).toEqual({});
      expect((await acme.call('GET', `/api/v1/transactions/${txn}`)).body.refundedAmount).toBe(0);
      expect((await server.request('GET', '/api/v1/organizations/settings', { token: orgKey })).body.name).toBe('Acme');
    });

    it('a proper surrogate pair (an emoji, written raw or escaped) is stored and read back exactly', async () => {
      const created = await sendRaw(
        'POST',
        '/api/v1/clients',
        orgKey,
        '{"email":"emoji@example.com","name":"Caf\\u00e9 \\ud83d\\ude00 😀"}',
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.name).toBe('Café 😀 😀');
      const read = await server.request('GET', `/api/v1/clients/${created.body.id}`, { token: orgKey });
      expect(read.body.name).toBe('Café 😀 😀');
    });
  });

  describe('a JSON body that is not valid UTF-8 is refused, not stored with U+FFFD in place of its bytes', () => {
    const withBytes = (prefix: string, bytes: number[], suffix: string) =>
      Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(suffix)]);
    it('stray, overlong, truncated and encoded-surrogate sequences, plain or gzip-compressed, on any route', async () => {
      const before = await total('/api/v1/clients', orgKey);
      const bodies: [string, Buffer][] = [
        ['stray byte', withBytes('{"email":"b1@example.com","name":"a', [0xff], 'b"}')],
        ['UTF-16 BOM', withBytes('', [0xff, 0xfe], '{"email":"b2@example.com","name":"a"}')],
        ['overlong slash', withBytes('{"email":"b3@example.com","name":"a', [0xc0, 0xaf], '"}')],
        ['truncated sequence', withBytes('{"email":"b4@example.com","name":"a', [0xc3], '"}')],
        ['encoded surrogate (CESU-8)', withBytes('{"email":"b5@example.com","name":"', [0xed, 0xa0, 0x80], '"}')],
        ['beyond U+10FFFF', withBytes('{"email":"b6@example.com","name":"', [0xf4, 0x90, 0x80, 0x80], '"}')],
        ['latin-1 text', withBytes('{"email":"b7@example.com","name":"Zo', [0xeb], '"}')],
      ];
      for (const [label, raw] of bodies) {
        for (const [how, payload, headers] of [
          ['plain', raw, {}],
          ['gzip', gzipSync(raw), { 'content-encoding': 'gzip' }],
        ] as const) {
          const issues = expectErrorBody(
            await sendRaw('POST', '/api/v1/clients', orgKey, payload, headers),
            400,
            'VALIDATION_FAILED',
            `${label} ${how}`,
          );
          expect(issues, `${label} ${how}`).toEqual([{ path: 'body', message: expect.stringMatching(/UTF-8/) }]);
        }
      }
      // The import routes have their own (larger) body parser: the same rule.
      const csv = withBytes('{"csv":"email,name,externalId\\r\\nimp2@example.com,a', [0xc3], ',\\r\\n"}');
      for (const path of ['/api/v1/data-import-export/import/validate', '/api/v1/data-import-export/import']) {
        expectErrorBody(await sendRaw('POST', path, orgKey, csv), 400, 'VALIDATION_FAILED', path);
      }
      // Other routes, other credentials: refused before anything runs.
      expectErrorBody(
        await sendRaw('POST', '/api/v1/auth/login', null, withBytes(`{"email":"${ADMIN.email}","password":"`, [0xff], '"}')),
        400,
        'VALIDATION_FAILED',
        'login',
      );
      expectErrorBody(
        await sendRaw('POST', '/api/v1/system/organizations', systemKey, withBytes('{"name":"', [0xfe], '"}')),
        400,
        'VALIDATION_FAILED',
        'organization',
      );
      expect(await total('/api/v1/clients', orgKey)).toBe(before);
    });

    it('valid UTF-8 still passes: multi-byte characters, a UTF-8 BOM, gzip', async () => {
      const ok = Buffer.from('\uFEFF{"email":"utf8@example.com","name":"Zoë 日本 😀"}', 'utf8');
      const plain = await sendRaw('POST', '/api/v1/clients', orgKey, ok);
      expect(plain.status, JSON.stringify(plain.body)).toBe(201);
      expect(plain.body.name).toBe('Zoë 日本 😀');
      const gz = await sendRaw('POST', '/api/v1/clients', orgKey, gzipSync(Buffer.from('{"email":"gz8@example.com","name":"Zoë"}')), {
        'content-encoding': 'gzip',
      });
      expect(gz.status, JSON.stringify(gz.body)).toBe(201);
    });
  });

  describe('names, references and descriptions must read as they are stored', () => {
    it('text blank to the eye (zero-width, fillers, lone combining marks) or reordered by bidi controls is 400 on every text field', async () => {
      const org = acme.organizationId;
      const blank = ['\u200b', '\u200b\u2060', '\u3164', '\u115f', '\u0301\u0301', '\ufeff\u200d', '\ue000', '\u00ad'];
      const reordering = ['shop\u202egnp.exe', 'a\u202ab', 'a\u202bb', 'a\u202cb', 'a\u202db', 'a\u2066b\u2069', 'a\u2067b', 'a\u2068b'];
      const targets: [string, string, string, string, (v: string) => unknown, string][] = [
        ['client', 'POST', '/api/v1/clients', orgKey, (v) => ({ email: 'n@example.com', name: v }), 'body.name'],
        [
          'client externalId',
          'POST',
          '/api/v1/clients',
          orgKey,
          (v) => ({ email: 'n@example.com', name: 'n', externalId: v }),
          'body.externalId',
        ],
        ['site', 'POST', '/api/v1/sites', orgKey, (v) => ({ name: v, url: 'https://a.example', defaultCurrency: 'EUR' }), 'body.name'],
        ['key', 'POST', `/api/v1/organizations/${org}/api-keys`, orgKey, (v) => ({ name: v, scopes: ['client:read'] }), 'body.name'],
        ['organization', 'POST', '/api/v1/system/organizations', systemKey, (v) => ({ name: v }), 'body.name'],
        [
          'checkout item',
          'POST',
          `/api/v1/checkouts/${acme.siteId}/create`,
          acme.token,
          (v) => checkoutBody(100, { items: [{ name: v, quantity: 1, unitPrice: 100, itemType: 'goods' }] }),
          'body.items.0.name',
        ],
        [
          'transaction description',
          'POST',
          '/api/v1/transactions/manual',
          acme.token,
          (v) => ({ amount: 5, currency: 'EUR', description: v }),
          'body.description',
        ],
      ];
      const key = await server.createOrgKey(org, ['client:read']);
      const before = {
        clients: await total('/api/v1/clients', orgKey),
        sites: await total('/api/v1/sites', orgKey),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
      };
      for (const [label, method, path, token, body, field] of targets) {
        for (const value of [
          ...blank.map((b) => ({ value: b, rule: /visible/ })),
          ...reordering.map((r) => ({ value: r, rule: /bidirectional/ })),
        ]) {
          const res = await server.request(method, path, { token, body: body(value.value) });
          const issues = expectErrorBody(res, 400, 'VALIDATION_FAILED', `${label} ${JSON.stringify(value.value)}`);
          expect(issues, `${label} ${JSON.stringify(value.value)}`).toContainEqual({
            path: field,
            message: expect.stringMatching(value.rule),
          });
        }
      }
      // The same rules on updates and in the clients import.
      expectErrorBody(
        await server.request('PUT', `/api/v1/organizations/${org}/api-keys/${key.id}`, { token: orgKey, body: { name: '\u200b' } }),
        400,
        'VALIDATION_FAILED',
      );
      expectErrorBody(
        await server.request('PATCH', '/api/v1/organizations/settings', { token: orgKey, body: { name: 'a\u202eb' } }),
        400,
        'VALIDATION_FAILED',
      );
      const imported = await server.request('POST', '/api/v1/data-import-export/import/validate', {
        token: orgKey,
        body: { csv: 'email,name,externalId\r\nz@example.com,\u200b,\r\nw@example.com,a\u202eb,\r\n' },
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(200);
      expect(imported.body).toMatchObject({ validRows: 0, invalidRows: 2 });
      expect({
        clients: await total('/api/v1/clients', orgKey),
        sites: await total('/api/v1/sites', orgKey),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
      }).toEqual(before);
    });

    it('real names in any script still pass, with right-to-left marks, emoji sequences and inner zero-width joiners', async () => {
      for (const name of ['Zoë', '日本商店', 'متجر\u200f', 'שלום\u200e shop', '👩\u200d💻 Devs', 'a\u00a0b', 'ß', '⠀x']) {
        const res = await server.request('POST', '/api/v1/sites', {
          token: orgKey,
          body: { name, url: 'https://a.example', defaultCurrency: 'EUR' },
        });
        expect(res.status, `${JSON.stringify(name)} ${JSON.stringify(res.body)}`).toBe(201);
        expect(res.body.name).toBe(name);
      }
      // Optional descriptions may be empty.
      const key = await server.request('POST', `/api/v1/organizations/${acme.organizationId}/api-keys`, {
        token: orgKey,
        body: { name: 'k', description: '', scopes: ['client:read'] },
      });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
    });
  });

  describe('an object that names a member twice is refused (RFC 7493), not read as its last value', () => {
    it('at any depth, on every kind of write route; names compare after unescaping; nothing is written', async () => {
      const org = acme.organizationId;
      const checkout = await acme.createCheckout();
      const txn = await acme.manualTransaction(500);
      const item = '{"name":"W","quantity":1,"unitPrice":100,"itemType":"goods"}';
      const cases: [string, string, string, string, string, string, string][] = [
        ['amount', 'POST', '/api/v1/transactions/manual', acme.token, '{"amount":5,"amount":-5,"currency":"EUR"}', 'body', 'amount'],
        [
          'type-changing',
          'POST',
          '/api/v1/transactions/manual',
          acme.token,
          '{"amount":"x","currency":"EUR","amount":5}',
          'body',
          'amount',
        ],
        ['escaped name', 'POST', '/api/v1/clients', orgKey, '{"email":"d1@example.com","name":"a","n\\u0061me":"b"}', 'body', 'name'],
        [
          '__proto__ twice',
          'POST',
          '/api/v1/clients',
          orgKey,
          '{"email":"d2@example.com","name":"a","__proto__":{},"__proto__":{}}',
          'body',
          '__proto__',
        ],
        [
          'nested item',
          'POST',
          `/api/v1/checkouts/${acme.siteId}/create`,
          acme.token,
          `{"amount":100,"currency":"EUR","email":"b@example.com","items":[${item.replace('"quantity":1', '"quantity":1,"quantity":2')}]}`,
          'body.items.0',
          'quantity',
        ],
        [
          'second item',
          'POST',
          `/api/v1/checkouts/${acme.siteId}/create`,
          acme.token,
          `{"amount":200,"currency":"EUR","email":"b@example.com","items":[${item},${item.replace('"name":"W"', '"name":"W","name":"X"')}]}`,
          'body.items.1',
          'name',
        ],
        ['metadata', 'PATCH', `/api/v1/checkouts/${checkout.id}`, acme.token, '{"metadata":{"k":"a","k":"b"}}', 'body.metadata', 'k'],
        ['refund', 'POST', `/api/v1/transactions/${txn}/refund`, acme.token, '{"amount":1,"amount":500}', 'body', 'amount'],
        [
          'key scopes',
          'POST',
          `/api/v1/organizations/${org}/api-keys`,
          orgKey,
          '{"name":"k","scopes":["client:read"],"scopes":["client:read","client:create"]}',
          'body',
          'scopes',
        ],
        ['settings', 'PUT', '/api/v1/system/settings', systemKey, '{"portal":{"enabled":true,"enabled":false}}', 'body.portal', 'enabled'],
        [
          'login',
          'POST',
          '/api/v1/auth/login',
          '',
          `{"email":"${ADMIN.email}","password":"x","password":"${ADMIN.password}"}`,
          'body',
          'password',
        ],
        ['import', 'POST', '/api/v1/data-import-export/import', orgKey, '{"csv":"email,name\\r\\n","csv":"x"}', 'body', 'csv'],
      ];
      const before = {
        clients: await total('/api/v1/clients', orgKey),
        transactions: await total('/api/v1/transactions', acme.token),
        checkouts: await total('/api/v1/checkouts', acme.token),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
      };
      for (const [label, method, path, token, raw, where, key] of cases) {
        const issues = expectErrorBody(await sendRaw(method, path, token || null, raw), 400, 'VALIDATION_FAILED', label);
        expect(issues, label).toEqual([{ path: where, message: expect.stringContaining(`duplicate key ${JSON.stringify(key)}`) }]);
      }
      expect({
        clients: await total('/api/v1/clients', orgKey),
        transactions: await total('/api/v1/transactions', acme.token),
        checkouts: await total('/api/v1/checkouts', acme.token),
        keys: await total(`/api/v1/organizations/${org}/api-keys`, orgKey),
      }).toEqual(before);
      expect((await acme.call('GET', `/api/v1/transactions/${txn}`)).body.refundedAmount).toBe(0);
      expect((await acme.call('GET', `/api/v1/checkouts/${checkout.id}`)).body.metadata).toEqual({});
      expect((await server.request('GET', '/api/v1/system/settings', { token: systemKey })).body.portal.enabled).toBe(true);
    });

    it('the same name in sibling or nested objects, and names that only look alike, are fine', async () => {
      const raw =
        '{"amount":200,"currency":"EUR","email":"b@example.com","metadata":{"name":"n","amount":"1"},' +
        '"items":[{"name":"W","quantity":1,"unitPrice":100,"itemType":"goods"},{"name":"W","quantity":1,"unitPrice":100,"itemType":"goods"}],' +
        '"externalReference":"\\"name\\":\\"x\\""}';
      const res = await sendRaw('POST', `/api/v1/checkouts/${acme.siteId}/create`, acme.token, raw);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const got = await acme.call('GET', `/api/v1/checkouts/${res.body.id}`);
      expect(got.body.externalReference).toBe('"name":"x"');
      const cased = await sendRaw('PATCH', `/api/v1/checkouts/${res.body.id}`, acme.token, '{"metadata":{"k":"a","K":"b","k ":"c"}}');
      expect(cased.status, JSON.stringify(cased.body)).toBe(200);
      expect(cased.body.metadata).toEqual({ k: 'a', K: 'b', 'k ': 'c' });
    });
  });

  describe('the pages answer a method they do not serve like the API does', () => {
    it('405 METHOD_NOT_ALLOWED with Allow (not 404), and OPTIONS is 204 with Allow', async () => {
      const chk = await acme.createCheckout();
      const cases: [string, string, string][] = [
        ['PUT', '/portal/login', 'GET, HEAD'],
        ['POST', '/portal/login', 'GET, HEAD'],
        ['DELETE', '/portal/assets/portal.js', 'GET, HEAD'],
        ['DELETE', `/checkout/${chk.shortCode}`, 'GET, HEAD'],
        ['GET', `/checkout/${chk.shortCode}/pay`, 'POST'],
        ['PATCH', `/checkout/${chk.shortCode}/cancel`, 'POST'],
        ['POST', '/api/v1/docs', 'GET, HEAD'],
        ['PUT', '/api/v1/openapi.json', 'GET, HEAD'],
        ['PROPFIND', '/api/v1/docs/init.js', 'GET, HEAD'],
      ];
      for (const [method, path, allow] of cases) {
        const res = await server.request(method, path);
        expectErrorBody(res, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
        const options = await fetch(server.url + path, { method: 'OPTIONS' });
        expect(options.status, `OPTIONS ${path}`).toBe(204);
        expect(options.headers.get('allow')).toBe(`${allow}, OPTIONS`);
      }
      // `OPTIONS *` asks about the server as a whole: 204 with every method it serves, not a 404.
      const { port } = new URL(server.url);
      const star = await sendBytes('127.0.0.1', Number(port), Buffer.from('OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      expect(star.response?.status).toBe(204);
      expect(star.response?.headers.allow).toBe('DELETE, GET, HEAD, PATCH, POST, PUT, OPTIONS');
      expect(star.response?.headers['x-request-id']).toMatch(/\S/);
      const getStar = await sendBytes('127.0.0.1', Number(port), Buffer.from('GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      expect(getStar.response?.status).toBe(404);
      // Paths nobody serves are still 404, and the checkout itself is untouched.
      expectErrorBody(await server.request('PUT', '/portal/nowhere'), 404, 'ROUTE_NOT_FOUND');
      expectErrorBody(await server.request('POST', `/checkout/${chk.shortCode}/refund`), 404, 'ROUTE_NOT_FOUND');
      expect((await acme.call('GET', `/api/v1/checkouts/${chk.id}`)).body.status).toBe('open');
    });
  });

  describe('no API answer may be kept by a cache', () => {
    it('answers carrying a token shown once, customer data, and errors are Cache-Control: no-store', async () => {
      const org = acme.organizationId;
      const created = await server.request('POST', `/api/v1/organizations/${org}/api-keys`, {
        token: orgKey,
        body: { name: 'shown once', scopes: ['client:read'] },
      });
      expect(created.body.token).toMatch(/^sk_/);
      const login = await server.request('POST', '/api/v1/auth/login', { body: { email: ADMIN.email, password: ADMIN.password } });
      expect(login.body.token).toBeTruthy();
      const answers: [string, HttpResult][] = [
        ['key create', created],
        [
          'key rotate',
          await server.request('POST', `/api/v1/organizations/${org}/api-keys/${created.body.id}/rotate`, { token: orgKey, body: {} }),
        ],
        ['login', login],
        ['whoami', await server.request('GET', '/api/v1/auth/whoami', { token: admin })],
        ['clients', await server.request('GET', '/api/v1/clients', { token: orgKey })],
        ['checkout create', await acme.call('POST', `/api/v1/checkouts/${acme.siteId}/create`, checkoutBody())],
        ['health', await server.request('GET', '/health')],
        ['401', await server.request('GET', '/api/v1/clients')],
        ['404', await server.request('GET', '/api/v1/nowhere')],
        ['400', await server.request('GET', '/api/v1/clients?limit=0', { token: orgKey })],
      ];
      for (const [label, res] of answers) {
        expect(res.status, label).toBeLessThan(500);
        expect(res.headers.get('cache-control'), label).toBe('no-store');
      }
    });

    it('what may be cached keeps its own caching: the OpenAPI document, the docs assets', async () => {
      const doc = await fetch(`${server.url}/api/v1/openapi.json`);
      expect(doc.headers.get('cache-control')).toBe('public, max-age=300');
      const asset = await fetch(`${server.url}/api/v1/docs/assets/swagger-ui.css`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=3600');
    });
  });
});

describe('the Admin panel assets directory', () => {
  let dir: string;
  let http: Server;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-panel-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    const app = express();
    app.use(requestId, noStoreByDefault);
    registerAdminPanel(app, dir);
    app.use(notFoundHandler);
    app.use(createErrorHandler(pino({ level: 'silent' })));
    http = createServer(app);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => http.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('requested without a trailing slash is the 404 error body, not an HTML redirect page', async () => {
    for (const path of ['/admin/assets', '/admin/assets/', '/admin/assets/%2e', '/admin/assets/nope.js']) {
      const res = await fetch(base + path, { redirect: 'manual' });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(((await res.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
    }
  });

  it('another method on a panel page is 405 with Allow', async () => {
    const res = await fetch(`${base}/admin/keys`, { method: 'PATCH' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(((await res.json()) as { code: string }).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('hashed assets keep their year-long immutable caching; the page is revalidated', async () => {
    const asset = await fetch(`${base}/admin/assets/app-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${base}/admin/keys`)).headers.get('cache-control')).toBe('no-cache');
  });
});

describe('a request whose body never arrives in full (REQUEST_TIMEOUT_MS)', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { REQUEST_TIMEOUT_MS: '1000' } });
    token = (await server.createOrgKey(await server.createOrganization('Slow'), ['client:create', 'client:read'])).token;
  });
  afterAll(async () => server?.close());

  const port = () => Number(new URL(server.url).port);
  const head = (length: number) =>
    `POST /api/v1/clients HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  it('a Content-Length larger than the body sent is answered 408 REQUEST_TIMEOUT, not held for minutes; nothing is stored', async () => {
    // Node's default would hold this connection for 300 s; the bound here is generous, not a speed check.
    const { response, failure } = await sendBytes(
      '127.0.0.1',
      port(),
      Buffer.from(`${head(100)}{"email":"slow@example.com"`),
      30_000,
      true,
    );
    expect(response, failure).not.toBeNull();
    expect(response!.status).toBe(408);
    const body = JSON.parse(response!.body) as { code: string; requestId: string };
    expect(body.code).toBe('REQUEST_TIMEOUT');
    expect(body.requestId).toBe(response!.headers['x-request-id']);
    expect((await server.request('GET', '/api/v1/clients', { token })).body.total).toBe(0);
  });

  it('headers that never end get the same answer', async () => {
    const { response } = await sendBytes('127.0.0.1', port(), Buffer.from('GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: '), 30_000, true);
    expect(response?.status).toBe(408);
  });

  it('a complete request is served as usual', async () => {
    const json = '{"email":"whole@example.com","name":"Whole"}';
    const { response } = await sendBytes(
      '127.0.0.1',
      port(),
      Buffer.from(`${head(Buffer.byteLength(json)).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n')}${json}`),
      30_000,
    );
    expect(response?.status, response?.body).toBe(201);
  });

  it('is validated at start', () => {
    for (const bad of ['10', '999', '3600001', 'soon']) {
      expect(() => loadConfig({ DATA_DIR: '/tmp/unused', REQUEST_TIMEOUT_MS: bad }), bad).toThrow(ConfigError);
    }
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).requestTimeoutMs).toBe(60_000);
  });
});
