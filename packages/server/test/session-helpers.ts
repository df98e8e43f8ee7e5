import type { Role } from '@payment-gateway/contract';
import { OPERATOR, startTestServer, type HttpResult, type TestServer, type TestServerOptions } from './harness.js';

/** The bootstrap global admin every session suite starts with (BOOTSTRAP_ADMIN_*). */
export const ADMIN = { email: 'root@example.com', password: 'bootstrap-password-123' } as const;

export const USER_PASSWORD = 'correct horse battery staple';

/** A test server whose first start bootstraps ADMIN from the environment. */
export function startSessionServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({
    ...options,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...options.env },
  });
}

let counter = 0;

/** Creates a user through the service (operator) and sets its roles. */
export async function createUser(
  server: TestServer,
  o: { globalAdmin?: boolean; roles?: Record<string, Role>; email?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = o.email ?? `user${++counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const user = await server.gateway.users.create(
    { email, name: 'Test User', password: USER_PASSWORD, globalAdmin: o.globalAdmin },
    OPERATOR,
  );
  for (const [orgId, role] of Object.entries(o.roles ?? {})) await server.gateway.users.setMembership(orgId, user.id, role, OPERATOR);
  return { id: user.id, email, password: USER_PASSWORD };
}

export interface LoginResult extends HttpResult {
  token: string;
  /** `gw_refresh=<token>`, ready for a Cookie header. */
  refreshCookie: string;
  /** The raw Set-Cookie header of the refresh cookie. */
  setCookie: string;
}

function refreshCookieOf(res: HttpResult): { cookie: string; raw: string } {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith('gw_refresh=')) ?? '';
  return { raw, cookie: raw.split(';')[0] ?? '' };
}

export async function login(server: TestServer, email: string, password: string): Promise<LoginResult> {
  const res = await server.request('POST', '/api/v1/auth/login', { body: { email, password } });
  const { cookie, raw } = refreshCookieOf(res);
  return { ...res, token: res.body?.token, refreshCookie: cookie, setCookie: raw };
}

/** Logs in and returns the access token (fails the test when sign-in fails). */
export async function sessionToken(server: TestServer, user: { email: string; password: string }): Promise<string> {
  const res = await login(server, user.email, user.password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.token;
}

export async function refresh(server: TestServer, refreshCookie: string): Promise<LoginResult> {
  const res = await server.request('POST', '/api/v1/auth/refresh-token', { headers: refreshCookie ? { cookie: refreshCookie } : {} });
  const { cookie, raw } = refreshCookieOf(res);
  return { ...res, token: res.body?.token, refreshCookie: cookie, setCookie: raw };
}

/** `selectedOrganization=<orgId>` as request headers. */
export const selected = (orgId: string) => ({ cookie: `selectedOrganization=${orgId}` });
