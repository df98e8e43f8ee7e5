import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestServer } from './harness.js';
import { ADMIN, createUser, login, refresh, startSessionServer } from './session-helpers.js';

describe.each(DIALECTS)('dashboard sessions (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer({ dialect });
  });
  afterAll(async () => server?.close());

  it('signs the bootstrap admin in: access token, user, HttpOnly SameSite=Strict refresh cookie scoped to /api/v1/auth', async () => {
    const res = await login(server, ADMIN.email, ADMIN.password);
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
    expect(res.body.user).toMatchObject({ email: ADMIN.email, globalAdmin: true, memberships: [] });
    expect(res.setCookie).toMatch(/^gw_refresh=rt_[0-9A-Za-z]{43};/);
    expect(res.setCookie).toContain('HttpOnly');
    expect(res.setCookie).toContain('SameSite=Strict');
    expect(res.setCookie).toContain('Path=/api/v1/auth');
    expect(res.setCookie).not.toContain('Secure'); // plain HTTP here; Secure is set when the request is TLS
    expect(JSON.stringify(res.body)).not.toContain(res.refreshCookie.slice('gw_refresh='.length));
  });

  it('answers login/check and whoami for a session', async () => {
    const org = await server.createOrganization('Whoami Org');
    const user = await createUser(server, { roles: { [org]: 'editor' } });
    const { token } = await login(server, user.email, user.password);
    const check = await server.request('GET', '/api/v1/auth/login/check', { token });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ authenticated: true, user: { id: user.id, email: user.email } });
    const who = await server.request('GET', '/api/v1/auth/whoami', { token, headers: { cookie: `selectedOrganization=${org}` } });
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({
      type: 'session',
      user: { id: user.id },
      globalAdmin: false,
      memberships: [{ organizationId: org, role: 'editor' }],
      selectedOrganizationId: org,
    });
    const key = await server.createOrgKey(org, ['invoice:read']);
    expect((await server.request('GET', '/api/v1/auth/login/check', { token: key.token })).status).toBe(403);
  });

  it('refuses a wrong password and an unknown email with the same generic 401', async () => {
    const user = await createUser(server);
    const wrong = await login(server, user.email, 'not the password at all');
    const unknown = await login(server, 'nobody-here@example.com', 'whatever password');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
      expect(res.setCookie).toBe('');
    }
    expect(wrong.body.error).toBe(unknown.body.error);
  });

  it('logout kills the access token at once and the refresh token with it', async () => {
    const user = await createUser(server);
    const s = await login(server, user.email, user.password);
    expect((await server.request('GET', '/api/v1/auth/whoami', { token: s.token })).status).toBe(200);
    const out = await server.request('POST', '/api/v1/auth/logout', { token: s.token });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/gw_refresh=;.*Max-Age=0/);
    const after = await server.request('GET', '/api/v1/auth/whoami', { token: s.token });
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_EXPIRED');
    const r = await refresh(server, s.refreshCookie);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('rotates the refresh token on every refresh; the new access token works', async () => {
    const user = await createUser(server);
    const s = await login(server, user.email, user.password);
    const r1 = await refresh(server, s.refreshCookie);
    expect(r1.status).toBe(200);
    expect(r1.refreshCookie).not.toBe(s.refreshCookie);
    expect(r1.body.user.id).toBe(user.id);
    expect((await server.request('GET', '/api/v1/auth/whoami', { token: r1.token })).status).toBe(200);
    const r2 = await refresh(server, r1.refreshCookie);
    expect(r2.status).toBe(200);
  });

  it('a refresh token reused after rotation is refused and the whole family dies', async () => {
    const user = await createUser(server);
    const s = await login(server, user.email, user.password);
    const rotated = await refresh(server, s.refreshCookie);
    expect(rotated.status).toBe(200);
    const reuse = await refresh(server, s.refreshCookie);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_INVALID');
    // The legitimate holder's newer refresh token and every access token of the family are dead too.
    expect((await refresh(server, rotated.refreshCookie)).status).toBe(401);
    expect((await server.request('GET', '/api/v1/auth/whoami', { token: rotated.token })).status).toBe(401);
    expect((await server.request('GET', '/api/v1/auth/whoami', { token: s.token })).status).toBe(401);
    // Another session of the same user is untouched.
    const other = await login(server, user.email, user.password);
    expect((await server.request('GET', '/api/v1/auth/whoami', { token: other.token })).status).toBe(200);
    const audit = await server.gateway.database.db
      .selectFrom('audit_events')
      .select(['action', 'metadata'])
      .where('actor_id', '=', user.id)
      .execute();
    expect(audit.map((a) => a.action)).toContain('session.refresh_token_reused');
  });

  it('refuses a missing or garbage refresh cookie and a tampered access token', async () => {
    expect((await refresh(server, '')).body.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await refresh(server, `gw_refresh=rt_${'A'.repeat(43)}`)).status).toBe(401);
    const s = await login(server, ADMIN.email, ADMIN.password);
    const [h, p, sig] = s.token.split('.');
    const tampered = `${h}.${p}.${sig!.slice(0, -2)}${sig!.endsWith('AA') ? 'BB' : 'AA'}`;
    const res = await server.request('GET', '/api/v1/auth/whoami', { token: tampered });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('never stores passwords or refresh tokens in clear and audits without secrets', async () => {
    const user = await createUser(server);
    const s = await login(server, user.email, user.password);
    const db = server.gateway.database.db;
    const row = await db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain(user.password);
    const tokens = await db.selectFrom('refresh_tokens').select('token_hash').execute();
    const raw = s.refreshCookie.slice('gw_refresh='.length);
    expect(tokens.some((t) => t.token_hash === raw)).toBe(false);
    const events = await db.selectFrom('audit_events').select('metadata').execute();
    for (const e of events) {
      expect(e.metadata).not.toContain(user.password);
      expect(e.metadata).not.toContain(raw);
    }
  });
});

describe.each(DIALECTS)('failed sign-ins are rate limited (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer({ dialect, env: { LOGIN_FAILURE_LIMIT_PER_ACCOUNT: '3' } });
  });
  afterAll(async () => server?.close());

  it('per account, whether or not the email exists, without blocking other accounts', async () => {
    const user = await createUser(server);
    for (const email of [user.email, 'ghost@example.com']) {
      for (let i = 0; i < 3; i++) expect((await login(server, email, 'wrong password')).status).toBe(401);
      const limited = await login(server, email, email === user.email ? user.password : 'wrong password');
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect((await login(server, ADMIN.email, ADMIN.password)).status).toBe(200);
  });
});

describe.each(DIALECTS)('failed sign-ins per IP (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer({ dialect, env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '4' } });
  });
  afterAll(async () => server?.close());

  it('an IP that failed too often is refused even for a correct password', async () => {
    for (let i = 0; i < 4; i++) expect((await login(server, `spray${i}@example.com`, 'wrong password')).status).toBe(401);
    const res = await login(server, ADMIN.email, ADMIN.password);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });
});
