import {
  ACTIONS,
  RESOURCES,
  SCOPE_BUNDLES,
  SCOPE_CATALOGUE,
  SCOPE_DESCRIPTIONS,
  isSystemKeyScope,
  isSystemTierScope,
  type Action,
  type Resource,
  type Scope,
} from '@payment-gateway/contract';

/** One row of the scope grid: a resource and, per action, its scope or null when unsupported. */
export interface ScopeRow {
  resource: Resource;
  description: string;
  cells: { action: Action; scope: Scope | null; description: string | null }[];
}

/** Which keys a grid is for: organization keys never get system-tier scopes; system keys only theirs. */
export type KeyTier = 'organization' | 'system';

/** The scope grid (resources × actions), generated from the contract's catalogue (SPEC §2). */
export function scopeGrid(tier: KeyTier): ScopeRow[] {
  const rows: ScopeRow[] = [];
  for (const resource of RESOURCES) {
    const actions = SCOPE_CATALOGUE[resource].actions as Partial<Record<Action, string>>;
    const cells = ACTIONS.map((action) => {
      const scope = actions[action] === undefined ? null : (`${resource}:${action}` as Scope);
      const allowed = scope !== null && (tier === 'organization' ? !isSystemTierScope(scope) : isSystemKeyScope(scope));
      return { action, scope: allowed ? scope : null, description: allowed ? SCOPE_DESCRIPTIONS[scope] : null };
    });
    if (cells.some((c) => c.scope !== null)) rows.push({ resource, description: SCOPE_CATALOGUE[resource].description, cells });
  }
  return rows;
}

/** A least-privilege preset: the contract's bundle with a title derived from its name. */
export interface BundlePreset {
  id: keyof typeof SCOPE_BUNDLES;
  title: string;
  scopes: readonly Scope[];
}

/** `billingBridge` → `Billing bridge`. */
export function bundleTitle(id: string): string {
  const words = id.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The contract's SCOPE_BUNDLES as presets (organization keys only). */
export const BUNDLE_PRESETS: readonly BundlePreset[] = (Object.keys(SCOPE_BUNDLES) as (keyof typeof SCOPE_BUNDLES)[]).map((id) => ({
  id,
  title: bundleTitle(id),
  scopes: SCOPE_BUNDLES[id],
}));
