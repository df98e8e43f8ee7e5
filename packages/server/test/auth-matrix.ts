/**
 * The auth matrix: one shared security suite generated from the contract (`listRoutes()`), so
 * a route is covered the day it is added. Every case computes what a route must answer from
 * its metadata (credential kinds, scope, organization source) and asserts the one error body.
 *
 * Extend it for other credential kinds (sessions, portal sessions) by passing more cases:
 *   describeAuthMatrix(dialect, { cases: [...KEY_AUTH_CASES, ...mySessionCases] })
 * Each case may read anything it needs from the context; add fields through `setup`.
 */
import {
  ALL_SCOPES,
  ErrorBody,
  hasScope,
  isSystemKeyScope,
  isSystemTierScope,
  listRoutes,
  type ContractRoute,
  type CredentialKind,
  type ErrorCode,
  type RouteAuth,
  type Scope,
} from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../src/util/base62.js';
import { checksumOf, newKeyId } from '../src/keys/token.js';
import { OPERATOR, startTestServer, type HttpResult, type TestServer, type TestServerOptions } from './harness.js';

/** A clock the server reads (`now` option), moved forward by tests instead of sleeping. */
export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function createTestClock(start = Date.now()): TestClock {
  let t = start;
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

/** Every exact scope an organization key may hold. */
export const ORG_KEY_SCOPES: readonly Scope[] = ALL_SCOPES.filter((s) => !s.endsWith(':*') && !isSystemTierScope(s));
/** Every exact scope a system key may hold. */
export const SYSTEM_KEY_SCOPES: readonly Scope[] = ALL_SCOPES.filter((s) => !s.endsWith(':*') && isSystemKeyScope(s));

export interface AuthMatrixContext {
  server: TestServer;
  clock: TestClock;
  /** The caller's organization. */
  orgId: string;
  /** Another, existing organization. */
  otherOrgId: string;
  /** A well-formed id of an organization that does not exist. */
  missingOrgId: string;
  /** Tokens: full = every scope its tier may hold. */
  tokens: {
    org: string;
    system: string;
    revokedOrg: string;
    revokedSystem: string;
    expiredOrg: string;
    expiredSystem: string;
    deletedOrg: string;
    /** The keyId of `org`, for wrong-secret probes. */
    orgKeyId: string;
  };
  /** A key of that tier holding every scope of its tier except what grants `scope`. */
  tokenWithout(tier: 'organization' | 'system', scope: Scope): Promise<string>;
  /** Extra fields contributed by other suites' setup. */
  [extra: string]: unknown;
}

export interface AuthMatrixCase {
  name: string;
  applies(route: ContractRoute): boolean;
  run(ctx: AuthMatrixContext, route: ContractRoute): Promise<void>;
}

/** A token in the right format with a valid checksum (so only storage can refuse it). */
export function forgeToken(keyId: string = newKeyId()): string {
  const body = `sk_${keyId}.${randomBase62(43)}`;
  return body + checksumOf(body);
}

/** The same token with its last checksum character changed. */
export function breakChecksum(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

/** Asserts the one error body (parsed with the contract's ErrorBody) and its request id. */
export function expectError(res: HttpResult, status: number, code: ErrorCode, label = ''): ErrorBody {
  expect({ label, status: res.status, code: res.body?.code }).toEqual({ label, status, code });
  const body = ErrorBody.parse(res.body);
  expect(body.requestId, `${label}: requestId`).toBe(res.headers.get('x-request-id'));
  expect(body.requestId.length).toBeGreaterThan(0);
  return body;
}

/** What a credential kind gets on a route that does not list it (SPEC §1, §3). */
export function refusalFor(route: RouteAuth, kind: 'organizationKey' | 'systemKey'): { status: number; code: ErrorCode } | null {
  if (route.credentials.includes(kind)) return null;
  // A portal route treats anything but a portal session as no credential at all.
  if (route.credentials.includes('portalSession')) return { status: 401, code: 'INVALID_CREDENTIALS' };
  if (kind === 'systemKey' && route.organization !== 'none') return { status: 403, code: 'ORGANIZATION_SCOPED_ROUTE' };
  return { status: 403, code: 'CREDENTIAL_NOT_ACCEPTED' };
}

/** The API-key kind to probe a route with: one it accepts when there is one. */
export function keyKindFor(route: RouteAuth): 'organizationKey' | 'systemKey' {
  if (route.credentials.includes('organizationKey')) return 'organizationKey';
  if (route.credentials.includes('systemKey')) return 'systemKey';
  return 'organizationKey';
}

function paramValue(route: ContractRoute, name: string, orgId: string): string {
  if (name === 'orgId') return orgId;
  if (name === 'keyId') return newKeyId();
  const schema = (route.route as { pathParams?: { shape?: Record<string, { _def?: { checks?: { kind: string; regex?: RegExp }[] } }> } })
    .pathParams?.shape?.[name];
  const regex = schema?._def?.checks?.find((c) => c.kind === 'regex')?.regex;
  const prefix = regex ? /^\^([a-z]+)_/.exec(regex.source)?.[1] : undefined;
  if (prefix) return `${prefix}_${randomBase62(20)}`;
  if (name === 'userId') return `usr_${randomBase62(20)}`;
  return `xxx_${randomBase62(20)}`;
}

/**
 * A request for the route: `:orgId` is `orgId` on organization-path routes and a non-existent
 * organization elsewhere (so no probe can offboard a real one); other ids are random but
 * well-formed. Auth runs before validation, so `{}` is body enough.
 */
export function requestFor(route: ContractRoute, orgId: string, missingOrgId: string): { method: string; path: string; body?: unknown } {
  const org = route.metadata.auth.organization === 'path' ? orgId : missingOrgId;
  const path = route.route.path.replace(/:(\w+)/g, (_, name: string) => paramValue(route, name, org));
  const method = route.route.method;
  return method === 'GET' || method === 'DELETE' ? { method, path } : { method, path, body: {} };
}

async function call(
  ctx: AuthMatrixContext,
  route: ContractRoute,
  opts: { token?: string; headers?: Record<string, string>; orgId?: string } = {},
): Promise<HttpResult> {
  const r = requestFor(route, opts.orgId ?? ctx.orgId, ctx.missingOrgId);
  return ctx.server.request(r.method, r.path, { token: opts.token, headers: opts.headers, body: r.body });
}

const hasCredentials = (r: ContractRoute) => r.metadata.auth.credentials.length > 0;
const tokenOfKind = (ctx: AuthMatrixContext, kind: 'organizationKey' | 'systemKey') =>
  kind === 'organizationKey' ? ctx.tokens.org : ctx.tokens.system;
const AUTH_CODES: ErrorCode[] = [
  'INVALID_CREDENTIALS',
  'MALFORMED_AUTHORIZATION',
  'API_KEY_REVOKED',
  'API_KEY_EXPIRED',
  'API_KEY_ROTATION_REQUIRED',
  'INSUFFICIENT_SCOPE',
  'CREDENTIAL_NOT_ACCEPTED',
  'ORGANIZATION_MISMATCH',
  'ORGANIZATION_SCOPED_ROUTE',
  'ORGANIZATION_HEADER_NOT_ALLOWED',
  'IP_NOT_ALLOWED',
  'RATE_LIMITED',
  'ROUTE_NOT_FOUND',
];

/** The API-key cases; sessions and portal sessions add their own next to these. */
export const KEY_AUTH_CASES: AuthMatrixCase[] = [
  {
    name: 'no credential → 401 INVALID_CREDENTIALS',
    applies: hasCredentials,
    run: async (ctx, route) => void expectError(await call(ctx, route), 401, 'INVALID_CREDENTIALS', route.name),
  },
  {
    name: 'malformed Authorization → 400 MALFORMED_AUTHORIZATION',
    applies: hasCredentials,
    run: async (ctx, route) => {
      for (const authorization of ['Basic x', 'Bearer', 'Bearer a b', `Token ${ctx.tokens.org}`]) {
        expectError(
          await call(ctx, route, { headers: { authorization } }),
          400,
          'MALFORMED_AUTHORIZATION',
          `${route.name} ${authorization}`,
        );
      }
    },
  },
  {
    name: 'unknown key, wrong secret, bad checksum, garbage → one 401 body',
    applies: hasCredentials,
    run: async (ctx, route) => {
      const probes = {
        unknown: forgeToken(),
        wrongSecret: forgeToken(ctx.tokens.orgKeyId),
        badChecksum: breakChecksum(ctx.tokens.org),
        truncated: ctx.tokens.org.slice(0, -1),
        garbage: 'sk_not-a-key',
      };
      const bodies = [];
      for (const [what, token] of Object.entries(probes)) {
        const body = expectError(await call(ctx, route, { token }), 401, 'INVALID_CREDENTIALS', `${route.name} ${what}`);
        const { requestId: _, ...rest } = body;
        bodies.push(rest);
      }
      // Nothing tells an unknown id from a wrong secret or a broken checksum.
      for (const b of bodies) expect(b).toEqual(bodies[0]);
    },
  },
  {
    name: 'revoked key → 401 API_KEY_REVOKED (after the secret is proven)',
    applies: hasCredentials,
    run: async (ctx, route) => {
      const kind = keyKindFor(route.metadata.auth);
      const token = kind === 'organizationKey' ? ctx.tokens.revokedOrg : ctx.tokens.revokedSystem;
      expectError(await call(ctx, route, { token }), 401, 'API_KEY_REVOKED', route.name);
      // A wrong secret for the revoked key says nothing about its status.
      const id = token.slice(3, 25);
      expectError(await call(ctx, route, { token: forgeToken(id) }), 401, 'INVALID_CREDENTIALS', `${route.name} wrong secret`);
    },
  },
  {
    name: 'expired key → 401 API_KEY_EXPIRED (after the secret is proven)',
    applies: hasCredentials,
    run: async (ctx, route) => {
      const kind = keyKindFor(route.metadata.auth);
      const token = kind === 'organizationKey' ? ctx.tokens.expiredOrg : ctx.tokens.expiredSystem;
      expectError(await call(ctx, route, { token }), 401, 'API_KEY_EXPIRED', route.name);
      expectError(
        await call(ctx, route, { token: forgeToken(token.slice(3, 25)) }),
        401,
        'INVALID_CREDENTIALS',
        `${route.name} wrong secret`,
      );
    },
  },
  {
    name: 'deleted key → 401 INVALID_CREDENTIALS',
    applies: hasCredentials,
    run: async (ctx, route) =>
      void expectError(await call(ctx, route, { token: ctx.tokens.deletedOrg }), 401, 'INVALID_CREDENTIALS', route.name),
  },
  {
    name: "organization key on another organization's path → 403 ORGANIZATION_MISMATCH (existing or not)",
    applies: (r) => r.metadata.auth.organization === 'path' && r.metadata.auth.credentials.includes('organizationKey'),
    run: async (ctx, route) => {
      const other = expectError(
        await call(ctx, route, { token: ctx.tokens.org, orgId: ctx.otherOrgId }),
        403,
        'ORGANIZATION_MISMATCH',
        route.name,
      );
      const missing = expectError(
        await call(ctx, route, { token: ctx.tokens.org, orgId: ctx.missingOrgId }),
        403,
        'ORGANIZATION_MISMATCH',
        route.name,
      );
      expect({ ...other, requestId: '' }).toEqual({ ...missing, requestId: '' });
    },
  },
  {
    name: 'missing scope → 403 INSUFFICIENT_SCOPE naming the scope',
    applies: (r) =>
      r.metadata.auth.scope !== null &&
      (r.metadata.auth.credentials.includes('organizationKey') || r.metadata.auth.credentials.includes('systemKey')),
    run: async (ctx, route) => {
      const scope = route.metadata.auth.scope!;
      for (const kind of ['organizationKey', 'systemKey'] as const) {
        if (!route.metadata.auth.credentials.includes(kind)) continue;
        const token = await ctx.tokenWithout(kind === 'organizationKey' ? 'organization' : 'system', scope);
        const body = expectError(await call(ctx, route, { token }), 403, 'INSUFFICIENT_SCOPE', `${route.name} ${kind}`);
        expect(body.details?.requiredScope).toBe(scope);
      }
    },
  },
  {
    name: 'X-Organization-ID with a credential → 400 ORGANIZATION_HEADER_NOT_ALLOWED (any case, any value)',
    applies: hasCredentials,
    run: async (ctx, route) => {
      const token = tokenOfKind(ctx, keyKindFor(route.metadata.auth));
      for (const [name, value] of [
        ['X-Organization-ID', ctx.orgId],
        ['x-organization-id', ctx.otherOrgId],
        ['X-ORGANIZATION-ID', ''],
      ] as const) {
        const body = expectError(
          await call(ctx, route, { token, headers: { [name]: value } }),
          400,
          'ORGANIZATION_HEADER_NOT_ALLOWED',
          `${route.name} ${name}`,
        );
        expect(body.error).toMatch(/organization comes from the API key/i);
      }
      expectError(
        await call(ctx, route, { headers: { 'X-Organization-ID': ctx.orgId } }),
        400,
        'ORGANIZATION_HEADER_NOT_ALLOWED',
        `${route.name} no credential`,
      );
    },
  },
  {
    name: 'organization key where not accepted → refused per metadata',
    applies: (r) => hasCredentials(r) && !r.metadata.auth.credentials.includes('organizationKey'),
    run: async (ctx, route) => {
      const want = refusalFor(route.metadata.auth, 'organizationKey')!;
      expectError(await call(ctx, route, { token: ctx.tokens.org }), want.status, want.code, route.name);
    },
  },
  {
    name: 'system key where not accepted → refused per metadata (ORGANIZATION_SCOPED_ROUTE on org routes)',
    applies: (r) => hasCredentials(r) && !r.metadata.auth.credentials.includes('systemKey'),
    run: async (ctx, route) => {
      const want = refusalFor(route.metadata.auth, 'systemKey')!;
      expectError(await call(ctx, route, { token: ctx.tokens.system }), want.status, want.code, route.name);
    },
  },
  {
    name: 'an accepted key with the scope passes authentication (control)',
    applies: (r) => r.metadata.auth.credentials.some((k: CredentialKind) => k === 'organizationKey' || k === 'systemKey'),
    run: async (ctx, route) => {
      for (const kind of ['organizationKey', 'systemKey'] as const) {
        if (!route.metadata.auth.credentials.includes(kind)) continue;
        const res = await call(ctx, route, { token: tokenOfKind(ctx, kind) });
        expect(res.headers.get('x-request-id')).toBeTruthy();
        if (res.status >= 400) {
          const body = ErrorBody.parse(res.body);
          expect(AUTH_CODES, `${route.name} ${kind}: ${res.status} ${body.code}`).not.toContain(body.code);
        }
      }
    },
  },
];

/** Starts a server with a test clock and the organizations and keys the cases use. */
export async function createAuthMatrixContext(options: TestServerOptions = {}): Promise<AuthMatrixContext> {
  const clock = createTestClock();
  const server = await startTestServer({ ...options, now: clock.now });
  const { keys } = server.gateway;
  const orgId = await server.createOrganization('Matrix A');
  const otherOrgId = await server.createOrganization('Matrix B');
  const orgOwner = { tier: 'organization' as const, organizationId: orgId };
  const org = await server.createOrgKey(orgId, ORG_KEY_SCOPES);
  const system = await server.createSystemKey(SYSTEM_KEY_SCOPES);
  const revokedOrg = await server.createOrgKey(orgId, ORG_KEY_SCOPES);
  const revokedSystem = await server.createSystemKey(SYSTEM_KEY_SCOPES);
  await keys.revoke(orgOwner, revokedOrg.id, 'matrix', OPERATOR);
  await keys.revoke({ tier: 'system' }, revokedSystem.id, 'matrix', OPERATOR);
  const deletedOrg = await server.createOrgKey(orgId, ORG_KEY_SCOPES);
  await keys.delete(orgOwner, deletedOrg.id, OPERATOR);
  const soon = new Date(clock.now().getTime() + 60_000).toISOString();
  const expiredOrg = await server.createOrgKey(orgId, ORG_KEY_SCOPES, { expiresAt: soon });
  const expiredSystem = await keys.create(
    { tier: 'system' },
    { name: 'expiring system key', scopes: [...SYSTEM_KEY_SCOPES], expiresAt: soon },
    { scopes: ALL_SCOPES, origin: OPERATOR },
  );
  // Only the two expiring keys have an expiry: moving the clock past it touches nothing else.
  clock.advance(120_000);

  const without = new Map<string, string>();
  return {
    server,
    clock,
    orgId,
    otherOrgId,
    missingOrgId: `org_${randomBase62(20)}`,
    tokens: {
      org: org.token,
      system: system.token,
      revokedOrg: revokedOrg.token,
      revokedSystem: revokedSystem.token,
      expiredOrg: expiredOrg.token,
      expiredSystem: expiredSystem.token,
      deletedOrg: deletedOrg.token,
      orgKeyId: org.id,
    },
    async tokenWithout(tier, scope) {
      const cacheKey = `${tier}:${scope}`;
      const hit = without.get(cacheKey);
      if (hit) return hit;
      const all = tier === 'organization' ? ORG_KEY_SCOPES : SYSTEM_KEY_SCOPES;
      const scopes = all.filter((s) => !hasScope([s], scope));
      // A key needs at least one scope; api_key:read never satisfies a different route scope here.
      const key = tier === 'organization' ? await server.createOrgKey(orgId, scopes) : await server.createSystemKey(scopes);
      without.set(cacheKey, key.token);
      return key.token;
    },
  };
}

export interface AuthMatrixOptions {
  /** @default listRoutes() */
  routes?: readonly ContractRoute[];
  /** @default KEY_AUTH_CASES */
  cases?: readonly AuthMatrixCase[];
  /** Builds the context (start the server, add credentials). @default createAuthMatrixContext({ dialect }) */
  setup?: (dialect: 'sqlite' | 'postgres') => Promise<AuthMatrixContext>;
}

/**
 * Declares the matrix for one dialect: a describe per route, an `it` per applicable case.
 * Routes the server does not mount yet (404 ROUTE_NOT_FOUND without a credential) are
 * reported as skipped, so they turn into real checks the day they are mounted.
 */
export function describeAuthMatrix(dialect: 'sqlite' | 'postgres', options: AuthMatrixOptions = {}): void {
  const routes = (options.routes ?? listRoutes()).filter(hasCredentials);
  const cases = options.cases ?? KEY_AUTH_CASES;
  let ctx: AuthMatrixContext;
  const mounted = new Map<string, boolean>();
  beforeAll(async () => {
    ctx = await (options.setup ?? ((d) => createAuthMatrixContext({ dialect: d })))(dialect);
    for (const route of routes) {
      const res = await call(ctx, route);
      mounted.set(route.name, !(res.status === 404 && res.body?.code === 'ROUTE_NOT_FOUND'));
    }
  });
  afterAll(async () => ctx?.server.close());

  for (const route of routes) {
    describe(`${route.route.method} ${route.route.path} (${route.name})`, () => {
      for (const c of cases.filter((c) => c.applies(route))) {
        it(c.name, async (t) => {
          if (!mounted.get(route.name)) t.skip(`${route.name} is not mounted by the server yet`);
          await c.run(ctx, route);
        });
      }
    });
  }
}
