import { describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  BILLING_BRIDGE_SCOPES,
  CHECKOUT_LINKS_SCOPES,
  expandScope,
  findEscalations,
  GLOBAL_ADMIN_SCOPES,
  hasScope,
  isScope,
  isSystemKeyScope,
  isSystemTierScope,
  parseScopes,
  PORTAL_LINKS_SCOPES,
  RECURRING_SCHEDULES_SCOPES,
  RESOURCES,
  SCOPE_BUNDLES,
  SCOPE_CATALOGUE,
  SCOPE_DESCRIPTIONS,
  scopesForRole,
  type Scope,
} from './scopes.js';

const SPEC_RESOURCES = [
  'checkout',
  'transaction',
  'invoice',
  'credit_note',
  'client',
  'site',
  'provider',
  'domain',
  'api_key',
  'organization',
  'tax_rule',
  'tax_rate',
  'tax_report',
  'tax_record',
  'data_io',
  'export',
  'system',
  'portal',
  'vies',
  'userprofile',
];

describe('scope catalogue', () => {
  it('lists exactly the resources of SPEC §2', () => {
    expect([...RESOURCES].sort()).toEqual([...SPEC_RESOURCES].sort());
  });

  it('gives portal only create and data_io only read/execute', () => {
    expect(Object.keys(SCOPE_CATALOGUE.portal.actions)).toEqual(['create']);
    expect(Object.keys(SCOPE_CATALOGUE.data_io.actions).sort()).toEqual(['execute', 'read']);
  });

  it('has a non-empty description for every scope, wildcards included', () => {
    for (const scope of ALL_SCOPES) expect(SCOPE_DESCRIPTIONS[scope], scope).toMatch(/\S/);
    expect(Object.keys(SCOPE_DESCRIPTIONS).sort()).toEqual([...ALL_SCOPES].sort());
  });

  it('has one wildcard per resource and no duplicates', () => {
    expect(new Set(ALL_SCOPES).size).toBe(ALL_SCOPES.length);
    expect(ALL_SCOPES.filter((s) => s.endsWith(':*'))).toHaveLength(RESOURCES.length);
  });
});

describe('isScope / parseScopes', () => {
  it.each(['invoice:read', 'invoice:*', 'api_key:execute', 'portal:create', 'data_io:execute', 'system:update'])('accepts %s', (value) => {
    expect(isScope(value)).toBe(true);
  });

  it.each([
    '*',
    '*:*',
    'recurring:*',
    'recurring:read',
    'portal:read',
    'portal:*:create',
    'foo',
    'foo:read',
    'invoice',
    'invoice:',
    ':read',
    'Invoice:read',
    'invoice:READ',
    ' invoice:read',
    'invoice:read ',
    'data_io:create',
    'organization:execute',
    '',
    'constructor',
    '__proto__',
    'toString:read',
  ])('rejects %j', (value) => {
    expect(isScope(value)).toBe(false);
  });

  it('rejects unknown scopes with the list of valid ones', () => {
    const result = parseScopes(['invoice:read', '*', 'recurring:*']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.invalid).toEqual(['*', 'recurring:*']);
    expect(result.message).toContain('recurring:*');
    expect(result.validScopes).toEqual(ALL_SCOPES);
  });

  it('removes duplicates and keeps order', () => {
    expect(parseScopes(['invoice:read', 'client:read', 'invoice:read'])).toEqual({
      ok: true,
      scopes: ['invoice:read', 'client:read'],
    });
  });
});

describe('wildcards', () => {
  it('invoice:* grants invoice:execute but not client:read', () => {
    expect(hasScope(['invoice:*'], 'invoice:execute')).toBe(true);
    expect(hasScope(['invoice:*'], 'client:read')).toBe(false);
  });

  it('expands to exactly the actions the resource supports', () => {
    expect(expandScope('invoice:*').sort()).toEqual(
      ['invoice:create', 'invoice:delete', 'invoice:execute', 'invoice:read', 'invoice:update'].sort(),
    );
    expect(expandScope('portal:*')).toEqual(['portal:create']);
    expect(expandScope('client:read')).toEqual(['client:read']);
  });

  it('a wildcard is required only when every action is held', () => {
    expect(hasScope(['invoice:read', 'invoice:create'], 'invoice:*')).toBe(false);
    expect(hasScope(expandScope('invoice:*'), 'invoice:*')).toBe(true);
  });

  it('an exact scope does not grant a sibling action', () => {
    expect(hasScope(['invoice:read'], 'invoice:create')).toBe(false);
    expect(hasScope([], 'invoice:read')).toBe(false);
  });
});

describe('findEscalations (no escalation, SPEC §2)', () => {
  it('allows a subset of the grantor scopes', () => {
    expect(findEscalations(['invoice:*', 'client:read', 'api_key:create'], ['invoice:execute', 'client:read'])).toEqual([]);
  });

  it('returns every requested scope the grantor lacks', () => {
    expect(findEscalations(['api_key:create', 'invoice:read'], ['invoice:read', 'invoice:create', 'client:*'])).toEqual([
      'invoice:create',
      'client:*',
    ]);
  });

  it('a key with exact scopes cannot grant the wildcard', () => {
    expect(findEscalations(['invoice:read', 'invoice:create'], ['invoice:*'])).toEqual(['invoice:*']);
  });

  it('api_key:create alone grants nothing else', () => {
    expect(findEscalations(['api_key:create'], ['api_key:create'])).toEqual([]);
    expect(findEscalations(['api_key:create'], ['api_key:delete'])).toEqual(['api_key:delete']);
  });

  it('a role can only grant what the role holds', () => {
    expect(findEscalations(scopesForRole('editor'), ['api_key:create'])).toEqual(['api_key:create']);
    expect(findEscalations(scopesForRole('admin'), ['api_key:*', 'invoice:*'])).toEqual([]);
    expect(findEscalations(scopesForRole('admin'), ['system:read'])).toEqual(['system:read']);
  });
});

describe('system tier', () => {
  it.each(['system:read', 'system:update', 'system:*', 'organization:create', 'organization:delete', 'organization:*'])(
    '%s is system tier',
    (scope) => {
      expect(isSystemTierScope(scope as Scope)).toBe(true);
    },
  );

  it.each(['organization:read', 'organization:update', 'api_key:*', 'invoice:*', 'portal:create'])('%s is not system tier', (scope) => {
    expect(isSystemTierScope(scope as Scope)).toBe(false);
  });

  it('no role holds a system-tier scope: org keys created from a session can never hold one', () => {
    for (const role of ['viewer', 'editor', 'admin'] as const) {
      expect(scopesForRole(role).filter(isSystemTierScope), role).toEqual([]);
    }
  });

  it('system keys carry only system, organization and api_key scopes', () => {
    expect(isSystemKeyScope('system:*')).toBe(true);
    expect(isSystemKeyScope('organization:create')).toBe(true);
    expect(isSystemKeyScope('api_key:read')).toBe(true);
    expect(isSystemKeyScope('invoice:read')).toBe(false);
    expect(isSystemKeyScope('portal:create')).toBe(false);
  });

  it('a global admin holds every exact scope, system tier included, and no wildcard', () => {
    expect(GLOBAL_ADMIN_SCOPES.some((s) => s.endsWith(':*'))).toBe(false);
    for (const scope of ALL_SCOPES) expect(hasScope(GLOBAL_ADMIN_SCOPES, scope), scope).toBe(true);
  });
});

describe('roles (SPEC §2.1)', () => {
  const viewer = scopesForRole('viewer');
  const editor = scopesForRole('editor');
  const admin = scopesForRole('admin');

  it('viewer reads every non-system resource and nothing else', () => {
    expect(viewer.every((s) => s.endsWith(':read'))).toBe(true);
    expect(viewer).toContain('invoice:read');
    expect(viewer).toContain('api_key:read');
    expect(viewer).toContain('organization:read');
    expect(viewer).not.toContain('system:read');
    expect(viewer).not.toContain('invoice:create');
  });

  it('editor reads, creates, updates and executes, but never deletes', () => {
    for (const scope of [
      'invoice:read',
      'invoice:create',
      'invoice:update',
      'invoice:execute',
      'client:create',
      'portal:create',
    ] as const) {
      expect(editor, scope).toContain(scope);
    }
    expect(editor.some((s) => s.endsWith(':delete'))).toBe(false);
  });

  it('editor only reads api_key and organization', () => {
    expect(editor.filter((s) => s.startsWith('api_key:'))).toEqual(['api_key:read']);
    expect(editor.filter((s) => s.startsWith('organization:'))).toEqual(['organization:read']);
  });

  it('admin holds every action including delete and all of api_key:*', () => {
    expect(hasScope(admin, 'api_key:*')).toBe(true);
    expect(admin).toContain('invoice:delete');
    expect(admin).toContain('organization:update');
    expect(admin).not.toContain('organization:delete');
    expect(admin).not.toContain('organization:create');
  });

  it('roles nest: viewer ⊂ editor ⊂ admin', () => {
    expect(findEscalations(editor, viewer)).toEqual([]);
    expect(findEscalations(admin, editor)).toEqual([]);
    expect(editor.length).toBeLessThan(admin.length);
    expect(viewer.length).toBeLessThan(editor.length);
  });

  it('every role scope is valid and exact', () => {
    for (const scope of [...viewer, ...editor, ...admin]) {
      expect(isScope(scope), scope).toBe(true);
      expect(scope.endsWith(':*'), scope).toBe(false);
    }
  });
});

describe('least-privilege bundles (SPEC §2)', () => {
  it('match the spec', () => {
    expect(CHECKOUT_LINKS_SCOPES).toEqual(['checkout:create']);
    expect([...BILLING_BRIDGE_SCOPES].sort()).toEqual(['client:create', 'client:read', 'invoice:create', 'invoice:read']);
    expect([...RECURRING_SCHEDULES_SCOPES].sort()).toEqual(['invoice:create', 'invoice:execute', 'invoice:read']);
    expect(PORTAL_LINKS_SCOPES).toEqual(['portal:create']);
  });

  it.each(Object.entries(SCOPE_BUNDLES))('%s is a valid, least-privilege subset an editor can grant', (_name, scopes) => {
    expect(parseScopes(scopes).ok).toBe(true);
    expect(scopes.some((s) => s.endsWith(':*'))).toBe(false);
    expect(scopes.some((s) => isSystemTierScope(s))).toBe(false);
    expect(findEscalations(scopesForRole('editor'), scopes)).toEqual([]);
  });

  it('portal links need portal:create only, not organization:execute', () => {
    expect(isScope('organization:execute')).toBe(false);
    expect(PORTAL_LINKS_SCOPES).not.toContain('organization:update');
  });
});
