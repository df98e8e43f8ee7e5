// Issue 17 over every route of the contract: a key past keyPolicy.maxKeyAgeDays plus
// rotationGraceDays is refused with 401 API_KEY_ROTATION_REQUIRED (after its secret is proven),
// and a due key inside its grace gets the Payment-Gateway-Key-Rotation-Due header on whatever
// the route answers. The matrix's own keys are young; only the keys made here are back-dated
// (their created_at set in the database), so the other cases are untouched.
import { type ContractRoute, KEY_ROTATION_DUE_HEADER } from '@payment-gateway/contract';
import { describe, expect } from 'vitest';
import {
  type AuthMatrixCase,
  type AuthMatrixContext,
  createAuthMatrixContext,
  describeAuthMatrix,
  expectError,
  forgeToken,
  keyKindFor,
  ORG_KEY_SCOPES,
  requestFor,
  SYSTEM_KEY_SCOPES,
} from './auth-matrix.js';
import { DIALECTS, OPERATOR } from './harness.js';

const DAY = 86_400_000;
const MAX_AGE_DAYS = 3650;
const GRACE_DAYS = 14;

interface RotationTokens {
  overdue: { org: string; system: string };
  due: { org: string; system: string; dueAt: string };
}

async function setup(dialect: 'sqlite' | 'postgres'): Promise<AuthMatrixContext> {
  const ctx = await createAuthMatrixContext({ dialect });
  const { server } = ctx;
  const now = ctx.clock.now().getTime();
  const backdate = async (keyId: string, days: number) => {
    const at = new Date(now - days * DAY).toISOString();
    await server.gateway.database.db.updateTable('api_keys').set({ created_at: at }).where('id', '=', keyId).execute();
    return at;
  };
  const overdueOrg = await server.createOrgKey(ctx.orgId, ORG_KEY_SCOPES);
  const overdueSystem = await server.createSystemKey(SYSTEM_KEY_SCOPES);
  const dueOrg = await server.createOrgKey(ctx.orgId, ORG_KEY_SCOPES);
  const dueSystem = await server.createSystemKey(SYSTEM_KEY_SCOPES);
  await backdate(overdueOrg.id, MAX_AGE_DAYS + GRACE_DAYS + 1);
  await backdate(overdueSystem.id, MAX_AGE_DAYS + GRACE_DAYS + 1);
  const dueFrom = await backdate(dueOrg.id, MAX_AGE_DAYS + 1);
  await backdate(dueSystem.id, MAX_AGE_DAYS + 1);
  await server.gateway.settings.update(
    { keyPolicy: { maxKeyAgeDays: MAX_AGE_DAYS, enforceMaxKeyAge: true, rotationGraceDays: GRACE_DAYS } },
    OPERATOR,
  );
  const rotation: RotationTokens = {
    overdue: { org: overdueOrg.token, system: overdueSystem.token },
    due: { org: dueOrg.token, system: dueSystem.token, dueAt: new Date(Date.parse(dueFrom) + MAX_AGE_DAYS * DAY).toISOString() },
  };
  return Object.assign(ctx, { rotation });
}

const call = (ctx: AuthMatrixContext, route: ContractRoute, token: string) => {
  const r = requestFor(route, ctx.orgId, ctx.missingOrgId);
  return ctx.server.request(r.method, r.path, { token, body: r.body });
};
const tokensOf = (ctx: AuthMatrixContext) => ctx.rotation as RotationTokens;
const acceptsKey = (r: ContractRoute) => r.metadata.auth.credentials.some((k) => k === 'organizationKey' || k === 'systemKey');

const CASES: AuthMatrixCase[] = [
  {
    name: 'key past max age + grace → 401 API_KEY_ROTATION_REQUIRED (after the secret is proven)',
    applies: (r) => r.metadata.auth.credentials.length > 0,
    run: async (ctx, route) => {
      const { overdue } = tokensOf(ctx);
      const token = keyKindFor(route.metadata.auth) === 'organizationKey' ? overdue.org : overdue.system;
      const body = expectError(await call(ctx, route, token), 401, 'API_KEY_ROTATION_REQUIRED', route.name);
      expect(body.details).toMatchObject({ rotationDueAt: expect.any(String), refusedFrom: expect.any(String) });
      expectError(await call(ctx, route, forgeToken(token.slice(3, 25))), 401, 'INVALID_CREDENTIALS', `${route.name} wrong secret`);
    },
  },
  {
    name: 'due key inside its grace → not refused for age, answer carries the rotation-due header',
    applies: acceptsKey,
    run: async (ctx, route) => {
      const { due } = tokensOf(ctx);
      for (const kind of ['organizationKey', 'systemKey'] as const) {
        if (!route.metadata.auth.credentials.includes(kind)) continue;
        const res = await call(ctx, route, kind === 'organizationKey' ? due.org : due.system);
        expect(res.body?.code, `${route.name} ${kind}`).not.toBe('API_KEY_ROTATION_REQUIRED');
        if (res.status === 401 || res.status === 429) continue;
        expect(res.headers.get(KEY_ROTATION_DUE_HEADER), `${route.name} ${kind} ${res.status}`).toBe(due.dueAt);
      }
    },
  },
];

describe.each(DIALECTS)('key rotation policy over every route (%s)', (dialect) => {
  describeAuthMatrix(dialect, { cases: CASES, setup });
});
