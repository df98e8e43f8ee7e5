import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestServer } from './harness.js';
import { startSessionServer } from './session-helpers.js';

const LIMIT = 30;
const forwarded = (ip: string) => ({ 'x-forwarded-for': ip });
/** 40 addresses of one IPv6 /64. */
const addressesOf64 = (net: string) =>
  Array.from({ length: 40 }, (_, i) => `${net}:${(i + 1).toString(16)}:${(i * 7 + 3).toString(16)}:0:${i + 1}`);

/** SPEC §7.3, issue #11 "Limits": per-IP limits key on the normalised client address. */
describe.each(DIALECTS)('per-IP limits on normalised addresses (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer({ dialect, env: { TRUST_PROXY: '1', AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(async () => server?.close());

  const failAuth = (ip: string) => server.request('GET', '/api/v1/auth/whoami', { token: 'sk_not-a-key', headers: forwarded(ip) });

  it('40 failed authentications from 40 addresses of one /64 hit the limit (issue sample)', async () => {
    const statuses: number[] = [];
    for (const ip of addressesOf64('2001:db8:aa:1')) statuses.push((await failAuth(ip)).status);
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
    const blocked = await failAuth('2001:db8:aa:1::ffff');
    expect(blocked.status).toBe(429);
    expect(blocked.body.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The neighbouring /64 is another client.
    expect((await failAuth('2001:db8:aa:2::1')).status).toBe(401);
  });

  it('::ffff:10.77.0.1 and 10.77.0.1 share one bucket (issue sample)', async () => {
    for (let i = 0; i < LIMIT; i++) expect((await failAuth(i % 2 ? '::ffff:10.77.0.1' : '10.77.0.1')).status).toBe(401);
    expect((await failAuth('10.77.0.1')).status).toBe(429);
    expect((await failAuth('::ffff:10.77.0.1')).status).toBe(429);
    expect((await failAuth('::ffff:a4d:1')).status).toBe(429);
    expect((await failAuth('10.77.0.2')).status).toBe(401);
  });

  it('sign-in failures count the same way', async () => {
    // Each failed sign-in costs a full scrypt (tens of ms of CPU), so most of the /64's budget is
    // spent by cheap failed key authentications and a few sign-ins then use up the rest: the two
    // kinds share one budget per client, and sign-in failures count in it.
    const ips = addressesOf64('2001:db8:bb:1');
    const SIGN_INS = 4;
    for (const ip of ips.slice(0, LIMIT - SIGN_INS)) expect((await failAuth(ip)).status).toBe(401);
    const statuses: number[] = [];
    for (const [i, ip] of ips.slice(LIMIT - SIGN_INS, LIMIT + 2).entries()) {
      // A different email each time, so the per-account limit stays out of the way.
      const res = await server.request('POST', '/api/v1/auth/login', {
        body: { email: `nobody${i}@example.com`, password: 'wrong password 123' },
        headers: forwarded(ip),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(SIGN_INS).fill(401), 429, 429]);
    // Failed key authentications from that /64 are refused too: one budget per client.
    expect((await failAuth('2001:db8:bb:1::9')).status).toBe(429);
    const mapped = await server.request('POST', '/api/v1/auth/login', {
      body: { email: 'x@example.com', password: 'wrong password 123' },
      headers: forwarded('::ffff:10.88.0.1'),
    });
    expect(mapped.status).toBe(401);
  });
});

describe('RATE_LIMIT_IPV6_PREFIX', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer({ env: { TRUST_PROXY: '1', AUTH_FAILURE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_IPV6_PREFIX: '128' } });
  });
  afterAll(async () => server?.close());

  it('128 counts every IPv6 address on its own', async () => {
    for (const ip of ['2001:db8::1', '2001:db8::2', '2001:db8::3', '2001:db8::4']) {
      expect((await server.request('GET', '/api/v1/auth/whoami', { token: 'sk_x', headers: forwarded(ip) })).status).toBe(401);
    }
  });

  it('is validated at start', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(() => loadConfig({ RATE_LIMIT_IPV6_PREFIX: '0' })).toThrow(/RATE_LIMIT_IPV6_PREFIX/);
    expect(() => loadConfig({ RATE_LIMIT_IPV6_PREFIX: '129' })).toThrow(/RATE_LIMIT_IPV6_PREFIX/);
    expect(loadConfig({}).rateLimitIpv6Prefix).toBe(64);
  });
});
