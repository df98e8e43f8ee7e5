import type { Role, RouteAuth, Scope } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { keyRecord } from '../../test/key-record-fixture.js';
import { AppError } from '../errors/app-error.js';
import { authorize, type OrganizationLookup, type OrganizationStatus } from './authorize.js';
import type { Principal } from './principal.js';

const ORG = 'org_aaaaaaaaaaaaaaaaaaaa';
const OTHER = 'org_bbbbbbbbbbbbbbbbbbbb';
const soon = new Date('2030-01-01T00:00:00.000Z');

type PrincipalName = 'orgKey' | 'systemKey' | 'viewer' | 'editor' | 'admin' | 'nonMember' | 'globalAdmin' | 'portal';

function principal(name: PrincipalName): Principal {
  const session = (roles: Record<string, Role>, globalAdmin = false): Principal => ({
    kind: 'session',
    userId: 'usr_1',
    sessionId: 'ses_1',
    email: 'u@example.com',
    globalAdmin,
    memberships: new Map(Object.entries(roles)),
    expiresAt: soon,
  });
  switch (name) {
    case 'orgKey':
      return {
        kind: 'organizationKey',
        organizationId: ORG,
        key: keyRecord({ scopes: ['client:read', 'client:create', 'api_key:create'] }),
      };
    case 'systemKey':
      return {
        kind: 'systemKey',
        key: keyRecord({ tier: 'system', organizationId: null, scopes: ['system:*', 'organization:*', 'api_key:*'] }),
      };
    case 'viewer':
      return session({ [ORG]: 'viewer' });
    case 'editor':
      return session({ [ORG]: 'editor' });
    case 'admin':
      return session({ [ORG]: 'admin' });
    case 'nonMember':
      return session({ [OTHER]: 'admin' });
    case 'globalAdmin':
      return session({}, true);
    case 'portal':
      return { kind: 'portalSession', sessionId: 'ps_1', email: 'c@example.com', organizationId: ORG, expiresAt: soon };
  }
}

const route = (credentials: RouteAuth['credentials'], scope: Scope | null, organization: RouteAuth['organization']): RouteAuth => ({
  credentials,
  scope,
  organization,
});
/** One route of each shape the contract has. */
const ROUTES = {
  /** POST /clients */
  contextWrite: route(['organizationKey', 'session'], 'client:create', 'context'),
  /** GET /clients */
  contextRead: route(['organizationKey', 'session'], 'client:read', 'context'),
  /** POST /organizations/{orgId}/api-keys */
  pathWrite: route(['organizationKey', 'systemKey', 'session'], 'api_key:create', 'path'),
  /** GET /organizations/{orgId}/api-keys */
  pathRead: route(['organizationKey', 'systemKey', 'session'], 'api_key:read', 'path'),
  /** PUT /system/settings */
  system: route(['systemKey', 'globalAdminSession'], 'system:update', 'none'),
  /** GET /system/api-keys (global-admin sessions only) */
  globalAdminOnly: route(['globalAdminSession'], 'api_key:read', 'none'),
  /** GET /auth/whoami */
  whoami: route(['organizationKey', 'systemKey', 'session'], null, 'none'),
  /** POST /auth/logout */
  sessionOnly: route(['session'], null, 'none'),
  /** GET /portal/session */
  portal: route(['portalSession'], null, 'none'),
} as const;

type Status = OrganizationStatus | 'missing';
const lookup = (status: Status): OrganizationLookup => ({ status: async () => (status === 'missing' ? null : status) });

type Outcome = 'ok' | AppError['code'];

async function outcome(p: PrincipalName, r: keyof typeof ROUTES, status: Status, org: string | null = ORG): Promise<Outcome> {
  try {
    await authorize(
      { principal: principal(p), route: ROUTES[r], pathOrganizationId: org ?? undefined, selectedOrganization: org ?? undefined },
      lookup(status),
    );
    return 'ok';
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
}

/**
 * SPEC §1–§3 as a decision table: credential kind × what the route accepts × organization mode
 * × membership/role × organization status → outcome.
 */
describe('authorize: decision table', () => {
  const table: [PrincipalName, keyof typeof ROUTES, Status, Outcome][] = [
    // Organization keys: their own organization only; no system routes; never portal routes.
    ['orgKey', 'contextWrite', 'active', 'ok'],
    ['orgKey', 'contextRead', 'active', 'ok'],
    ['orgKey', 'pathWrite', 'active', 'ok'],
    ['orgKey', 'pathRead', 'active', 'INSUFFICIENT_SCOPE'],
    ['orgKey', 'contextWrite', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['orgKey', 'contextRead', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['orgKey', 'system', 'active', 'CREDENTIAL_NOT_ACCEPTED'],
    ['orgKey', 'globalAdminOnly', 'active', 'CREDENTIAL_NOT_ACCEPTED'],
    ['orgKey', 'whoami', 'active', 'ok'],
    ['orgKey', 'sessionOnly', 'active', 'CREDENTIAL_NOT_ACCEPTED'],
    ['orgKey', 'portal', 'active', 'INVALID_CREDENTIALS'],
    // System keys: system routes and org-key management of any organization.
    ['systemKey', 'system', 'active', 'ok'],
    ['systemKey', 'pathWrite', 'active', 'ok'],
    ['systemKey', 'pathRead', 'active', 'ok'],
    ['systemKey', 'pathWrite', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['systemKey', 'pathRead', 'offboarded', 'ok'],
    ['systemKey', 'pathWrite', 'missing', 'NOT_FOUND'],
    ['systemKey', 'pathRead', 'missing', 'NOT_FOUND'],
    ['systemKey', 'contextWrite', 'active', 'ORGANIZATION_SCOPED_ROUTE'],
    ['systemKey', 'contextRead', 'active', 'ORGANIZATION_SCOPED_ROUTE'],
    ['systemKey', 'globalAdminOnly', 'active', 'CREDENTIAL_NOT_ACCEPTED'],
    ['systemKey', 'whoami', 'active', 'ok'],
    ['systemKey', 'sessionOnly', 'active', 'CREDENTIAL_NOT_ACCEPTED'],
    ['systemKey', 'portal', 'active', 'INVALID_CREDENTIALS'],
    // Sessions by role (SPEC §2.1).
    ['viewer', 'contextRead', 'active', 'ok'],
    ['viewer', 'contextWrite', 'active', 'INSUFFICIENT_SCOPE'],
    ['editor', 'contextWrite', 'active', 'ok'],
    ['editor', 'pathWrite', 'active', 'INSUFFICIENT_SCOPE'],
    ['editor', 'pathRead', 'active', 'ok'],
    ['admin', 'pathWrite', 'active', 'ok'],
    ['admin', 'contextWrite', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['admin', 'contextRead', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['viewer', 'pathRead', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['admin', 'system', 'active', 'GLOBAL_ADMIN_REQUIRED'],
    ['admin', 'globalAdminOnly', 'active', 'GLOBAL_ADMIN_REQUIRED'],
    ['admin', 'whoami', 'active', 'ok'],
    ['admin', 'sessionOnly', 'active', 'ok'],
    ['admin', 'portal', 'active', 'INVALID_CREDENTIALS'],
    // Not a member: the same answer whether the organization is active, offboarded or missing.
    ['nonMember', 'contextWrite', 'active', 'NOT_ORGANIZATION_MEMBER'],
    ['nonMember', 'contextWrite', 'offboarded', 'NOT_ORGANIZATION_MEMBER'],
    ['nonMember', 'contextWrite', 'missing', 'NOT_ORGANIZATION_MEMBER'],
    ['nonMember', 'pathRead', 'missing', 'NOT_ORGANIZATION_MEMBER'],
    // Global admins act as Admin everywhere, but not in an offboarded organization's writes.
    ['globalAdmin', 'contextWrite', 'active', 'ok'],
    ['globalAdmin', 'pathWrite', 'active', 'ok'],
    ['globalAdmin', 'contextWrite', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['globalAdmin', 'pathWrite', 'offboarded', 'ORGANIZATION_INACTIVE'],
    ['globalAdmin', 'contextRead', 'offboarded', 'ok'],
    ['globalAdmin', 'pathRead', 'offboarded', 'ok'],
    ['globalAdmin', 'contextWrite', 'missing', 'ORGANIZATION_CONTEXT_REQUIRED'],
    ['globalAdmin', 'contextRead', 'missing', 'ORGANIZATION_CONTEXT_REQUIRED'],
    ['globalAdmin', 'pathWrite', 'missing', 'NOT_FOUND'],
    ['globalAdmin', 'system', 'active', 'ok'],
    ['globalAdmin', 'globalAdminOnly', 'active', 'ok'],
    ['globalAdmin', 'portal', 'active', 'INVALID_CREDENTIALS'],
    // Portal sessions: portal routes only, and there they are no Admin API credential.
    ['portal', 'portal', 'active', 'ok'],
    ['portal', 'contextRead', 'active', 'INVALID_CREDENTIALS'],
    ['portal', 'pathRead', 'active', 'INVALID_CREDENTIALS'],
    ['portal', 'system', 'active', 'INVALID_CREDENTIALS'],
    ['portal', 'whoami', 'active', 'INVALID_CREDENTIALS'],
    ['portal', 'sessionOnly', 'active', 'INVALID_CREDENTIALS'],
  ];

  it.each(table)('%s on %s (organization %s) → %s', async (p, r, status, expected) => {
    expect(await outcome(p, r, status)).toBe(expected);
  });

  it.each([
    ['orgKey', 'pathRead', 'ORGANIZATION_MISMATCH'],
    ['orgKey', 'pathWrite', 'ORGANIZATION_MISMATCH'],
  ] as const)('%s on %s of another organization → %s, whether or not it exists', async (p, r, expected) => {
    expect(await outcome(p, r, 'active', OTHER)).toBe(expected);
    expect(await outcome(p, r, 'missing', OTHER)).toBe(expected);
  });

  it.each(['viewer', 'admin', 'globalAdmin'] as const)(
    '%s with no organization on an org-scoped route → ORGANIZATION_CONTEXT_REQUIRED',
    async (p) => {
      expect(await outcome(p, 'contextRead', 'active', null)).toBe('ORGANIZATION_CONTEXT_REQUIRED');
      expect(await outcome(p, 'pathWrite', 'active', null)).toBe('ORGANIZATION_CONTEXT_REQUIRED');
    },
  );

  it('an unknown principal kind fails closed on every route (exhaustive switches)', async () => {
    const alien = { kind: 'futureKind' } as unknown as Principal;
    for (const r of Object.values(ROUTES)) {
      await expect(
        authorize({ principal: alien, route: r, pathOrganizationId: ORG, selectedOrganization: ORG }, lookup('active')),
      ).rejects.toThrow(/unexpected principal kind/);
    }
  });

  it('the organization scopes apply: a global admin gets every scope, a member its role’s', async () => {
    const ga = await authorize(
      { principal: principal('globalAdmin'), route: ROUTES.contextRead, pathOrganizationId: undefined, selectedOrganization: ORG },
      lookup('active'),
    );
    expect(ga.organizationId).toBe(ORG);
    expect(ga.scopes).toContain('system:update');
    const viewer = await authorize(
      { principal: principal('viewer'), route: ROUTES.contextRead, pathOrganizationId: undefined, selectedOrganization: ORG },
      lookup('active'),
    );
    expect(viewer.scopes.every((s) => s.endsWith(':read'))).toBe(true);
  });
});
