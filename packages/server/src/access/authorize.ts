import {
  GLOBAL_ADMIN_SCOPES,
  hasScope,
  OrganizationId,
  scopesForRole,
  type CredentialKind,
  type RouteAuth,
  type Scope,
} from '@payment-gateway/contract';
import { AppError, notFound } from '../errors/app-error.js';
import { assertNever } from '../util/assert-never.js';
import type { Principal } from './principal.js';

export type OrganizationStatus = 'active' | 'offboarded';

export interface OrganizationLookup {
  /** 'active' | 'offboarded', or null when the organization does not exist. */
  status(organizationId: string): Promise<OrganizationStatus | null>;
}

export interface AuthorizationInput {
  principal: Principal;
  route: RouteAuth;
  /** `:orgId` of the route, when it has one. */
  pathOrganizationId: string | undefined;
  /** The `selectedOrganization` cookie of a dashboard session. */
  selectedOrganization: string | undefined;
}

export interface Authorization {
  /** The organization the request acts in (SPEC §3), or null on routes without one. */
  organizationId: string | null;
  scopes: readonly Scope[];
}

/**
 * SPEC §3 and §2: is this credential kind accepted here, which organization does the request
 * act in, may the principal act in it in its current state, and does the principal hold the
 * route's scope there.
 *
 * Organization state (SPEC §4.5, decided in the server README):
 * - a non-member session gets NOT_ORGANIZATION_MEMBER whether or not the organization exists;
 * - for principals that may see every organization (global-admin sessions, system keys), an
 *   organization that does not exist is 404 NOT_FOUND;
 * - an offboarded organization refuses every write (any scope action but `read`) with 403
 *   ORGANIZATION_INACTIVE for every principal; reads stay open to global admins and system
 *   keys (operators inspect an offboarded organization), not to members or its own keys.
 *
 * @throws AppError INVALID_CREDENTIALS, CREDENTIAL_NOT_ACCEPTED, GLOBAL_ADMIN_REQUIRED,
 *   ORGANIZATION_SCOPED_ROUTE, ORGANIZATION_MISMATCH, ORGANIZATION_CONTEXT_REQUIRED,
 *   NOT_ORGANIZATION_MEMBER, NOT_FOUND, ORGANIZATION_INACTIVE, INSUFFICIENT_SCOPE
 */
export async function authorize(input: AuthorizationInput, orgs: OrganizationLookup): Promise<Authorization> {
  const { principal, route } = input;
  assertCredentialAccepted(principal, route);
  const organizationId = resolveOrganization(input);
  if (organizationId !== null) assertOrganizationUsable(principal, route, await statusOf(organizationId, orgs));
  const scopes = scopesOf(principal, organizationId);
  if (route.scope && !hasScope(scopes, route.scope)) {
    throw new AppError('INSUFFICIENT_SCOPE', `This route requires the scope ${route.scope}.`, { requiredScope: route.scope });
  }
  return { organizationId, scopes };
}

function accepts(route: RouteAuth, kind: CredentialKind): boolean {
  return route.credentials.includes(kind);
}

/** @throws AppError when the route does not take this kind of credential. */
export function assertCredentialAccepted(principal: Principal, route: RouteAuth): void {
  switch (principal.kind) {
    case 'portalSession':
      // A portal session is no credential for anything but the portal (SPEC §1).
      if (!accepts(route, 'portalSession')) throw new AppError('INVALID_CREDENTIALS');
      return;
    case 'systemKey':
      if (accepts(route, 'systemKey')) return;
      if (accepts(route, 'portalSession')) throw new AppError('INVALID_CREDENTIALS');
      if (route.organization !== 'none') throw new AppError('ORGANIZATION_SCOPED_ROUTE');
      throw new AppError('CREDENTIAL_NOT_ACCEPTED', 'System keys are not accepted on this route.');
    case 'organizationKey':
      if (accepts(route, 'organizationKey')) return;
      if (accepts(route, 'portalSession')) throw new AppError('INVALID_CREDENTIALS');
      throw new AppError('CREDENTIAL_NOT_ACCEPTED', 'Organization keys are not accepted on this route.');
    case 'session':
      if (accepts(route, 'session')) return;
      if (accepts(route, 'globalAdminSession')) {
        if (principal.globalAdmin) return;
        throw new AppError('GLOBAL_ADMIN_REQUIRED');
      }
      if (accepts(route, 'portalSession')) throw new AppError('INVALID_CREDENTIALS');
      throw new AppError('CREDENTIAL_NOT_ACCEPTED', 'Dashboard sessions are not accepted on this route.');
    default:
      assertNever(principal, 'principal kind');
  }
}

function resolveOrganization(input: AuthorizationInput): string | null {
  const { principal, route } = input;
  if (route.organization === 'none') return null;
  switch (principal.kind) {
    case 'organizationKey': {
      // The organization is the key's; a different :orgId is refused the same whether or not it exists.
      if (route.organization === 'path' && input.pathOrganizationId !== principal.organizationId) {
        throw new AppError('ORGANIZATION_MISMATCH');
      }
      return principal.organizationId;
    }
    case 'systemKey':
      // Only routes that list systemKey get here (org-key management under /organizations/{orgId}).
      if (!input.pathOrganizationId) throw new AppError('ORGANIZATION_SCOPED_ROUTE');
      return input.pathOrganizationId;
    case 'session': {
      const org = route.organization === 'path' ? input.pathOrganizationId : input.selectedOrganization;
      if (!org) throw new AppError('ORGANIZATION_CONTEXT_REQUIRED');
      // Checked before the organization is looked up: a non-member learns nothing about which exist.
      if (!principal.globalAdmin && !principal.memberships.has(org)) throw new AppError('NOT_ORGANIZATION_MEMBER');
      return org;
    }
    case 'portalSession':
      return principal.organizationId;
    default:
      assertNever(principal, 'principal kind');
  }
}

/** An id that is not shaped like one names no organization: no lookup (a NUL byte must never reach SQL). */
async function statusOf(organizationId: string, orgs: OrganizationLookup): Promise<OrganizationStatus | null> {
  return OrganizationId.safeParse(organizationId).success ? orgs.status(organizationId) : null;
}

/** Writes are every scope action but `read`; a route without a scope counts as a write. */
function isWrite(route: RouteAuth): boolean {
  return !route.scope?.endsWith(':read');
}

/** May see every organization, so may be told that one does not exist, and may read offboarded ones. */
function seesEveryOrganization(principal: Principal): boolean {
  switch (principal.kind) {
    case 'systemKey':
      return true;
    case 'session':
      return principal.globalAdmin;
    case 'organizationKey':
    case 'portalSession':
      return false;
    default:
      assertNever(principal, 'principal kind');
  }
}

function assertOrganizationUsable(principal: Principal, route: RouteAuth, status: OrganizationStatus | null): void {
  const operator = seesEveryOrganization(principal);
  if (status === null) {
    // Members (and keys) of an organization that no longer exists: no detail beyond "not yours".
    if (!operator) throw new AppError('NOT_ORGANIZATION_MEMBER');
    // Operators may learn that it does not exist: 404 for the route's :orgId; for the
    // selectedOrganization cookie the context itself is wrong (404 stays for routes with a path id).
    if (route.organization === 'path') throw notFound('organization');
    throw new AppError('ORGANIZATION_CONTEXT_REQUIRED', 'The selectedOrganization cookie names no organization: select an existing one.');
  }
  switch (status) {
    case 'active':
      return;
    case 'offboarded':
      if (operator && !isWrite(route)) return;
      throw new AppError('ORGANIZATION_INACTIVE');
    default:
      assertNever(status, 'organization status');
  }
}

function scopesOf(principal: Principal, organizationId: string | null): readonly Scope[] {
  switch (principal.kind) {
    case 'organizationKey':
    case 'systemKey':
      return principal.key.scopes;
    case 'portalSession':
      return [];
    case 'session': {
      if (principal.globalAdmin) return GLOBAL_ADMIN_SCOPES;
      if (!organizationId) return [];
      const role = principal.memberships.get(organizationId);
      return role ? scopesForRole(role) : [];
    }
    default:
      assertNever(principal, 'principal kind');
  }
}
