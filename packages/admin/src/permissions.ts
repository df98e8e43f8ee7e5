import { GLOBAL_ADMIN_SCOPES, hasScope, scopesForRole, type Role, type Scope } from '@payment-gateway/contract';

/** What the signed-in user may do in the selected organization (SPEC §2.1), from the contract's role table. */
export interface Permissions {
  role: Role | 'global-admin' | null;
  can(scope: Scope): boolean;
}

export function permissionsFor(globalAdmin: boolean, role: Role | null): Permissions {
  const scopes: readonly Scope[] = globalAdmin ? GLOBAL_ADMIN_SCOPES : role ? scopesForRole(role) : [];
  return { role: globalAdmin ? 'global-admin' : role, can: (scope) => hasScope(scopes, scope) };
}
