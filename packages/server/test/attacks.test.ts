// Attempts to break the authentication rules from outside, as an attacker would: forged
// session tokens, spoofed client addresses. Each must fail closed.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from './auth-matrix.js';
import { DIALECTS, type TestServer } from './harness.js';
import { ADMIN, createUser, sessionToken, startSessionServer } from './session-helpers.js';

const WHOAMI = '/api/v1/auth/whoami';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (jwt: string) => {
  const [h, p, s] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString()),
    h: h!,
    p: p!,
    s: s!,
  };
};

describe.each(DIALECTS)('forged dashboard session tokens (%s)', (dialect) => {
  let server: TestServer;
  let viewerToken: string;
  let adminId: string;

  beforeAll(async () => {
    server = await startSessionServer({ dialect });
    const org = await server.createOrganization();
    const viewer = await createUser(server, { roles: { [org]: 'viewer' } });
    viewerToken = await sessionToken(server, viewer);
    const admin = await server.request('GET', WHOAMI, { token: await sessionToken(server, ADMIN) });
    adminId = admin.body.user.id;
  });
  afterAll(async () => server?.close());

  it('the genuine token works (so the refusals below are about the forgery)', async () => {
    expect((await server.request('GET', WHOAMI, { token: viewerToken })).status).toBe(200);
  });

  it('refuses alg "none" and an unsigned token', async () => {
    const { payload } = parts(viewerToken);
    for (const token of [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.AAAA`,
    ]) {
      expectError(await server.request('GET', WHOAMI, { token }), 401, 'INVALID_CREDENTIALS');
    }
  });

  it("refuses a viewer's token whose subject was swapped for the global admin's", async () => {
    const { h, s, payload } = parts(viewerToken);
    const token = `${h}.${b64({ ...payload, sub: adminId })}.${s}`;
    expectError(await server.request('GET', WHOAMI, { token }), 401, 'INVALID_CREDENTIALS');
  });

  it('refuses a well-formed token signed with another secret, and one using another HMAC algorithm', async () => {
    const { payload } = parts(viewerToken);
    const other = new TextEncoder().encode('an-attacker-secret-of-sufficient-length-000');
    const forged = await new SignJWT({ ...payload, sub: adminId }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(other);
    expectError(await server.request('GET', WHOAMI, { token: forged }), 401, 'INVALID_CREDENTIALS');
    const hs512 = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .sign(new TextEncoder().encode('x'.repeat(64)));
    expectError(await server.request('GET', WHOAMI, { token: hs512 }), 401, 'INVALID_CREDENTIALS');
  });
});

describe('spoofed client addresses', () => {
  let direct: TestServer;
  let behindProxy: TestServer;
  beforeAll(async () => {
    direct = await startSessionServer({ env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '3' } });
    behindProxy = await startSessionServer({ env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => {
    await direct?.close();
    await behindProxy?.close();
  });

  it('without TRUST_PROXY, X-Forwarded-For cannot satisfy an IP allowlist', async () => {
    const org = await direct.createOrganization();
    const key = await direct.createOrgKey(org, ['invoice:read'], { ipAllowlist: ['203.0.113.7/32'] });
    const res = await direct.request('GET', WHOAMI, { token: key.token, headers: { 'x-forwarded-for': '203.0.113.7' } });
    expectError(res, 403, 'IP_NOT_ALLOWED');
  });

  it('without TRUST_PROXY, rotating X-Forwarded-For does not escape the failed-authentication limit', async () => {
    const bogus = `sk_${'A'.repeat(22)}.${'B'.repeat(49)}`;
    for (let i = 0; i < 3; i++) {
      const res = await direct.request('GET', WHOAMI, { token: bogus, headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      expect(res.status).toBe(401);
    }
    const org = await direct.createOrganization();
    const good = await direct.createOrgKey(org, ['invoice:read']);
    const limited = await direct.request('GET', WHOAMI, { token: good.token, headers: { 'x-forwarded-for': '198.51.100.99' } });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('with TRUST_PROXY=1 (one load balancer in front), the forwarded client address is the one checked', async () => {
    const org = await behindProxy.createOrganization();
    const key = await behindProxy.createOrgKey(org, ['invoice:read'], { ipAllowlist: ['203.0.113.7/32'] });
    expect((await behindProxy.request('GET', WHOAMI, { token: key.token, headers: { 'x-forwarded-for': '203.0.113.7' } })).status).toBe(
      200,
    );
    expectError(
      await behindProxy.request('GET', WHOAMI, { token: key.token, headers: { 'x-forwarded-for': '198.51.100.1' } }),
      403,
      'IP_NOT_ALLOWED',
    );
    expectError(await behindProxy.request('GET', WHOAMI, { token: key.token }), 403, 'IP_NOT_ALLOWED');
  });
});
