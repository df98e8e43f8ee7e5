import { ALL_SCOPES, hasScope, isSystemTierScope } from '@payment-gateway/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { assertFutureExpiry, assertNoEscalation, checkScopesForTier, ipAllowed, normaliseAllowlist } from './key-policy.js';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

describe('ipAllowed', () => {
  it('matches IPv4 addresses and CIDRs', () => {
    expect(ipAllowed(['127.0.0.1/32'], '127.0.0.1')).toBe(true);
    expect(ipAllowed(['127.0.0.1/32'], '127.0.0.2')).toBe(false);
    expect(ipAllowed(['10.0.0.0/8'], '10.255.1.2')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '11.0.0.1')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0'], '203.0.113.9')).toBe(true);
    expect(ipAllowed([], '127.0.0.1')).toBe(false);
  });

  it('treats IPv4-mapped IPv6 clients as their IPv4 address, in both directions', () => {
    expect(ipAllowed(['127.0.0.1/32'], '::ffff:127.0.0.1')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:10.1.2.3')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:127.0.0.1')).toBe(false);
    expect(ipAllowed(['::ffff:127.0.0.1/128'], '127.0.0.1')).toBe(true);
    expect(ipAllowed(['::ffff:7f00:1/128'], '::ffff:127.0.0.1')).toBe(true);
    expect(ipAllowed(['::ffff:10.0.0.0/104'], '10.9.9.9')).toBe(true);
    expect(ipAllowed(['::ffff:10.0.0.0/104'], '11.0.0.1')).toBe(false);
  });

  it('matches IPv6 in its forms and never mixes families', () => {
    expect(ipAllowed(['::1/128'], '::1')).toBe(true);
    expect(ipAllowed(['0:0:0:0:0:0:0:1/128'], '::1')).toBe(true);
    expect(ipAllowed(['::1/128'], '127.0.0.1')).toBe(false);
    expect(ipAllowed(['127.0.0.1/32'], '::1')).toBe(false);
    expect(ipAllowed(['2001:db8::/32'], '2001:DB8:0:1::5')).toBe(true);
    expect(ipAllowed(['2001:db8::/32'], '2001:db9::1')).toBe(false);
  });

  it('refuses unparseable client addresses and ignores broken entries', () => {
    expect(ipAllowed(['0.0.0.0/0'], '')).toBe(false);
    expect(ipAllowed(['0.0.0.0/0'], 'unknown')).toBe(false);
    expect(ipAllowed(['garbage', '127.0.0.1/32'], '127.0.0.1')).toBe(true);
  });
});

describe('normaliseAllowlist', () => {
  it('turns addresses into CIDRs, lower-cases IPv6 and removes duplicates', () => {
    expect(normaliseAllowlist(['127.0.0.1', '127.0.0.1/32', '2001:DB8::1', '::1'])).toEqual(['127.0.0.1/32', '2001:db8::1/128', '::1/128']);
    expect(normaliseAllowlist(undefined)).toBeUndefined();
    expect(normaliseAllowlist(null)).toBeNull();
  });
  it('rejects what is not an address or CIDR', () => {
    for (const bad of ['10.0.0.0/33', '::1/129', 'example.com', '1.2.3', '10.1/8', '010.0.0.1', '0x7f.0.0.1/32', '10.0.0.0/', '']) {
      expect(
        codeOf(() => normaliseAllowlist([bad])),
        bad,
      ).toBe('VALIDATION_FAILED');
    }
  });
  it('refuses an empty list (it would refuse every address; null means no restriction)', () => {
    expect(codeOf(() => normaliseAllowlist([]))).toBe('VALIDATION_FAILED');
  });
});

describe('scope checks', () => {
  it('organization keys never hold system-tier scopes; system keys only system, organization and api_key scopes', () => {
    expect(checkScopesForTier(['invoice:read', 'invoice:read', 'client:*'], 'organization')).toEqual(['invoice:read', 'client:*']);
    for (const s of ['system:read', 'system:update', 'system:*', 'organization:create', 'organization:delete', 'organization:*']) {
      expect(
        codeOf(() => checkScopesForTier([s], 'organization')),
        s,
      ).toBe('SYSTEM_SCOPE_NOT_ALLOWED');
    }
    expect(checkScopesForTier(['organization:read', 'organization:update'], 'organization')).toHaveLength(2);
    expect(checkScopesForTier(['system:*', 'organization:create', 'api_key:read'], 'system')).toHaveLength(3);
    expect(codeOf(() => checkScopesForTier(['invoice:read'], 'system'))).toBe('VALIDATION_FAILED');
  });

  it('rejects unknown scopes with the list of valid ones', () => {
    for (const s of ['recurring:read', 'recurring:*', '*', 'invoice', 'invoice:write', 'portal:read', 'INVOICE:READ', '']) {
      try {
        checkScopesForTier([s], 'organization');
        expect.unreachable(s);
      } catch (e) {
        expect((e as AppError).code).toBe('UNKNOWN_SCOPE');
        expect((e as AppError).details?.validScopes).toEqual(ALL_SCOPES);
        expect((e as AppError).details?.invalid).toEqual([s]);
      }
    }
  });

  it('no escalation: a subset passes; anything not held (wildcards included) is refused', () => {
    expect(() => assertNoEscalation(['invoice:*'], ['invoice:read', 'invoice:execute'])).not.toThrow();
    expect(() =>
      assertNoEscalation(['invoice:read', 'invoice:create', 'invoice:update', 'invoice:delete', 'invoice:execute'], ['invoice:*']),
    ).not.toThrow();
    expect(codeOf(() => assertNoEscalation(['invoice:read'], ['invoice:*']))).toBe('SCOPE_ESCALATION');
    expect(codeOf(() => assertNoEscalation(['invoice:read'], ['client:read']))).toBe('SCOPE_ESCALATION');
    expect(codeOf(() => assertNoEscalation([], ['invoice:read']))).toBe('SCOPE_ESCALATION');
  });

  it('property: granting a subset of the own scopes never escalates; adding one not held always does', () => {
    const orgScopes = ALL_SCOPES.filter((s) => !isSystemTierScope(s));
    fc.assert(
      fc.property(fc.subarray([...orgScopes], { minLength: 1 }), fc.nat(), (held, pick) => {
        const subset = held.filter((_, i) => i % 2 === 0);
        expect(() => assertNoEscalation(held, subset)).not.toThrow();
        const notHeld = orgScopes.filter((s) => !hasScope(held, s));
        fc.pre(notHeld.length > 0);
        const extra = notHeld[pick % notHeld.length]!;
        expect(codeOf(() => assertNoEscalation(held, [...subset, extra]))).toBe('SCOPE_ESCALATION');
      }),
      { numRuns: 500 },
    );
  });

  it('expiry must be in the future', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    expect(() => assertFutureExpiry('2030-01-01T00:00:01.000Z', now)).not.toThrow();
    expect(() => assertFutureExpiry(null, now)).not.toThrow();
    expect(codeOf(() => assertFutureExpiry('2030-01-01T00:00:00.000Z', now))).toBe('VALIDATION_FAILED');
  });
});
