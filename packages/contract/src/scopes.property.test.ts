import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_SCOPES, expandScope, findEscalations, hasScope, isScope, type Scope } from './scopes.js';

const scope = fc.constantFrom(...ALL_SCOPES);
const scopes = fc.array(scope, { maxLength: 12 });
const resourceOf = (s: string) => s.slice(0, s.indexOf(':'));

describe('hasScope (properties)', () => {
  it('an exact scope is granted iff it or its resource wildcard is held', () => {
    fc.assert(
      fc.property(
        scopes,
        scope.filter((s) => !s.endsWith(':*')),
        (granted, required) => {
          const expected = granted.includes(required) || granted.includes(`${resourceOf(required)}:*` as Scope);
          expect(hasScope(granted, required)).toBe(expected);
        },
      ),
    );
  });

  it('never grants across resources', () => {
    fc.assert(
      fc.property(scopes, scope, (granted, required) => {
        if (hasScope(granted, required)) {
          expect(granted.some((g) => resourceOf(g) === resourceOf(required))).toBe(true);
        }
      }),
    );
  });

  it('a scope grants itself, and its expansion grants it', () => {
    fc.assert(
      fc.property(scope, (s) => {
        expect(hasScope([s], s)).toBe(true);
        expect(hasScope(expandScope(s), s)).toBe(true);
      }),
    );
  });

  it('is monotonic: holding more never grants less', () => {
    fc.assert(
      fc.property(scopes, scopes, scope, (granted, extra, required) => {
        if (hasScope(granted, required)) expect(hasScope([...granted, ...extra], required)).toBe(true);
      }),
    );
  });

  it('a wildcard is granted exactly when every action it expands to is', () => {
    fc.assert(
      fc.property(scopes, scope, (granted, required) => {
        expect(hasScope(granted, required)).toBe(expandScope(required).every((s) => hasScope(granted, s)));
      }),
    );
  });

  // Counterexamples fast-check found on some seeds (`*` crashed expandScope with a TypeError):
  // kept as fixed cases so they run on every seed.
  it.each(['*', ':*', 'recurring:*', 'x:*', '*:*', 'invoice', ''])('is false, without throwing, for %j', (value) => {
    expect(hasScope(ALL_SCOPES, value as Scope)).toBe(false);
    expect(expandScope(value as Scope)).toEqual([]);
    expect(findEscalations(ALL_SCOPES, [value as Scope])).toEqual([value]);
  });

  it('is false for any string outside the catalogue', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        fc.pre(!isScope(value));
        expect(hasScope(ALL_SCOPES, value as Scope)).toBe(false);
      }),
    );
  });
});

describe('findEscalations (properties)', () => {
  it('returns exactly the requested scopes the grantor does not hold, in order', () => {
    fc.assert(
      fc.property(scopes, scopes, (grantor, requested) => {
        expect(findEscalations(grantor, requested)).toEqual(requested.filter((r) => !hasScope(grantor, r)));
      }),
    );
  });

  it('a grantor can always grant any subset of its own scopes', () => {
    fc.assert(
      fc.property(scopes, fc.func(fc.boolean()), (grantor, pick) => {
        const subset = grantor.filter((_, i) => pick(i));
        expect(findEscalations(grantor, subset)).toEqual([]);
        expect(findEscalations(grantor, grantor)).toEqual([]);
      }),
    );
  });

  it('is transitive: what B may grant and A covers B, A may grant', () => {
    fc.assert(
      fc.property(scopes, scopes, scopes, (a, b, c) => {
        if (findEscalations(a, b).length === 0 && findEscalations(b, c).length === 0) {
          expect(findEscalations(a, c)).toEqual([]);
        }
      }),
    );
  });

  it('nothing can be granted by an empty grantor', () => {
    fc.assert(
      fc.property(scopes, (requested) => {
        expect(findEscalations([], requested)).toEqual(requested);
      }),
    );
  });
});
