import { ALL_SCOPES, SCOPE_BUNDLES, isSystemKeyScope, isSystemTierScope } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { isStale, STALE_AFTER_MS } from './format.js';
import { permissionsFor } from './permissions.js';
import { BUNDLE_PRESETS, bundleTitle, scopeGrid } from './scope-model.js';

const gridScopes = (tier: 'organization' | 'system') => scopeGrid(tier).flatMap((r) => r.cells.flatMap((c) => (c.scope ? [c.scope] : [])));

describe('the scope grid and presets come from the contract', () => {
  it('organization keys: every exact scope of the catalogue except system-tier ones', () => {
    const expected = ALL_SCOPES.filter((s) => !s.endsWith(':*') && !isSystemTierScope(s));
    expect(new Set(gridScopes('organization'))).toEqual(new Set(expected));
  });

  it('system keys: only the scopes a system key may carry', () => {
    const expected = ALL_SCOPES.filter((s) => !s.endsWith(':*') && isSystemKeyScope(s));
    expect(new Set(gridScopes('system'))).toEqual(new Set(expected));
  });

  it('presets are SCOPE_BUNDLES with titles derived from their names', () => {
    expect(BUNDLE_PRESETS.map((b) => b.title)).toEqual(['Checkout links', 'Billing bridge', 'Recurring schedules', 'Portal links']);
    for (const b of BUNDLE_PRESETS) expect(b.scopes).toEqual(SCOPE_BUNDLES[b.id]);
    expect(bundleTitle('someNewBundle')).toBe('Some new bundle');
  });
});

describe('roles (SPEC §2.1)', () => {
  it('viewers and editors only read keys; admins manage them; global admins hold system scopes', () => {
    for (const role of ['viewer', 'editor'] as const) {
      const p = permissionsFor(false, role);
      expect(p.can('api_key:read')).toBe(true);
      for (const s of ['api_key:create', 'api_key:execute', 'api_key:delete'] as const) expect(p.can(s)).toBe(false);
    }
    const admin = permissionsFor(false, 'admin');
    for (const s of ['api_key:create', 'api_key:execute', 'api_key:delete'] as const) expect(admin.can(s)).toBe(true);
    expect(admin.can('system:read')).toBe(false);
    expect(permissionsFor(true, null).can('system:update')).toBe(true);
    expect(permissionsFor(false, null).can('api_key:read')).toBe(false);
  });
});

describe('stale keys (PCI-DSS 8.2.6: 90 days)', () => {
  const now = Date.parse('2026-11-29T00:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it('an active key unused (or, never used, created) more than 90 days ago is stale', () => {
    expect(isStale({ status: 'active', lastUsedAt: ago(STALE_AFTER_MS + 1), createdAt: ago(200 * 86_400_000) }, now)).toBe(true);
    expect(isStale({ status: 'active', lastUsedAt: ago(STALE_AFTER_MS - 1000), createdAt: ago(200 * 86_400_000) }, now)).toBe(false);
    expect(isStale({ status: 'active', lastUsedAt: null, createdAt: ago(STALE_AFTER_MS + 1) }, now)).toBe(true);
    expect(isStale({ status: 'active', lastUsedAt: null, createdAt: ago(1000) }, now)).toBe(false);
    expect(isStale({ status: 'revoked', lastUsedAt: null, createdAt: ago(STALE_AFTER_MS * 2) }, now)).toBe(false);
  });
});
