import {
  GLOBAL_ADMIN_SCOPES,
  hasScope,
  scopesForRole,
  type CredentialKind,
  type RouteAuth,
  type Scope,
} from '@payment-gateway/contract';
import { AppError } from '../http/errors.js';
import type { Principal } from './principal.js';

export interface OrganizationLookup {
  /** 'active' | 'offboarded', or null when the organization does not exist. */
  status(organizationId: string): Promise<'active' | 'offboarded' | null>;
}

export interface AuthorizationInput {
  principal: Principal;
  route: RouteAuth;
  /** `:orgId` of the route, when it has one. */
  pathOrganizationId: string | undefined;
  /** The `selectedOrganization` cookie of a dashboard session. */
  selectedOrganization: string | undefined;
}

/**
 * SPEC §3 and §2: is this credential kind accepted here, which organization does the request
 * act in, and does the principal hold the route's scope there. Throws AppError when not.
 */
export async function authorize(
  input: AuthorizationInput,
  orgs: OrganizationLookup,
): Promise<{ organizationId: string | null; scopes: readonly Scope[] }> {
  const { principal, route } = input;
  assertCredentialAccepted(principal, route);
  const organizationId = resolveOrganization(input);
  const scopes = await scopesOf(principal, organizationId, orgs);
  if (route.scope && !hasScope(scopes, route.scope)) {
    throw new AppError('INSUFFICIENT_SCOPE', `This route requires the scope ${route.scope}.`, { requiredScope: route.scope });
  }
  return { organizationId, scopes };
}

function accepts(route: RouteAuth, kind: CredentialKind): boolean {
  return route.credentials.includes(kind);
}

function assertCredentialAccepted(principal: Principal, route: RouteAuth): void {
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
      if (!principal.globalAdmin && !principal.memberships.has(org)) throw new AppError('NOT_ORGANIZATION_MEMBER');
      return org;
    }
    case 'portalSession':
      return principal.organizationId;
  }
}

async function scopesOf(principal: Principal, organizationId: string | null, orgs: OrganizationLookup): Promise<readonly Scope[]> {
  switch (principal.kind) {
    case 'organizationKey':
    case 'systemKey':
      return principal.key.scopes;
    case 'portalSession':
      return [];
    case 'session': {
      if (principal.globalAdmin) return GLOBAL_ADMIN_SCOPES;
      if (!organizationId) return [];
      const status = await orgs.status(organizationId);
      if (status === 'offboarded') throw new AppError('ORGANIZATION_INACTIVE');
      const role = principal.memberships.get(organizationId);
      return role ? scopesForRole(role) : [];
    }
  }
}
