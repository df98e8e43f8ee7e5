import {
  EMPTY_ALLOWLIST_MESSAGE,
  findEscalations,
  isSystemKeyScope,
  isSystemTierScope,
  parseScopes,
  type Scope,
} from '@payment-gateway/contract';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors/app-error.js';

/** Validates requested scopes against the catalogue and the tier's rules (SPEC §2). */
export function checkScopesForTier(requested: readonly string[], tier: 'organization' | 'system'): Scope[] {
  const parsed = parseScopes(requested);
  if (!parsed.ok) throw new AppError('UNKNOWN_SCOPE', parsed.message, { invalid: parsed.invalid, validScopes: parsed.validScopes });
  if (tier === 'organization') {
    const forbidden = parsed.scopes.filter(isSystemTierScope);
    if (forbidden.length) throw new AppError('SYSTEM_SCOPE_NOT_ALLOWED', undefined, { scopes: forbidden });
  } else {
    const foreign = parsed.scopes.filter((s) => !isSystemKeyScope(s));
    if (foreign.length) {
      throw new AppError(
        'VALIDATION_FAILED',
        'System keys carry only system, organization and api_key scopes; use an organization key for the rest.',
        {
          issues: [{ path: 'scopes', message: `not allowed on system keys: ${foreign.join(', ')}` }],
        },
      );
    }
  }
  return parsed.scopes;
}

/** No escalation: the grantor must hold every scope it grants (or, for an existing key, that key has). */
export function assertNoEscalation(grantorScopes: readonly Scope[], scopes: readonly Scope[], what = 'grant'): void {
  const missing = findEscalations(grantorScopes, scopes);
  if (missing.length) {
    throw new AppError('SCOPE_ESCALATION', `You cannot ${what} scopes you do not hold: ${missing.join(', ')}.`, { scopes: missing });
  }
}

/**
 * Normalises and validates an IP allowlist; every entry becomes a CIDR. `null` and `undefined`
 * pass through (no restriction, unchanged). An empty list is refused here as well as in the
 * contract, so the CLI and every other caller get the same answer: it would refuse every address.
 * @throws AppError VALIDATION_FAILED (400) at `ipAllowlist` for `[]` or an entry that is not an address or CIDR block
 */
export function normaliseAllowlist(entries: readonly string[] | null | undefined): string[] | null | undefined {
  if (entries === undefined || entries === null) return entries;
  if (entries.length === 0) {
    throw new AppError('VALIDATION_FAILED', undefined, { issues: [{ path: 'ipAllowlist', message: EMPTY_ALLOWLIST_MESSAGE }] });
  }
  const bad: string[] = [];
  const out = entries.map((e) => {
    try {
      // ipaddr.js also reads inet_aton shorthands ('10.1' → 10.0.0.1, '010.0.0.1' → 8.0.0.1, hex):
      // an allowlist takes only the dotted-quad form people mean.
      const address = e.split('/')[0]!;
      if (!address.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(address)) throw new Error('not a dotted quad');
      if (e.includes('/')) {
        const [addr, bits] = ipaddr.parseCIDR(e);
        return `${addr.toString()}/${bits}`;
      }
      const addr = ipaddr.parse(e);
      return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
    } catch {
      bad.push(e);
      return e;
    }
  });
  if (bad.length) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      issues: bad.map((b) => ({ path: 'ipAllowlist', message: `not an IP address or CIDR block: ${b}` })),
    });
  }
  return [...new Set(out)];
}

/** True when the client address falls in one of the allowlist's CIDRs (IPv4-mapped IPv6 handled). */
export function ipAllowed(allowlist: readonly string[], ip: string): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  return allowlist.some((cidr) => {
    try {
      const [range, bits] = ipaddr.parseCIDR(cidr);
      const r = range.kind() === 'ipv6' ? ipaddr.process(range.toString()) : range;
      return addr.kind() === r.kind() && addr.match(r, r.kind() === range.kind() ? bits : bits - 96);
    } catch {
      return false;
    }
  });
}

export function assertFutureExpiry(expiresAt: string | null | undefined, now: Date): void {
  if (expiresAt && new Date(expiresAt) <= now) {
    throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future.', {
      issues: [{ path: 'expiresAt', message: 'must be in the future' }],
    });
  }
}

/** A CIDR as (family, network, prefix length); IPv4-mapped IPv6 ranges of /96 or longer read as IPv4. */
function canonicalCidr(cidr: string): { range: ipaddr.IPv4 | ipaddr.IPv6; bits: number } | null {
  try {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return { range: (range as ipaddr.IPv6).toIPv4Address(), bits: bits - 96 };
    }
    return { range, bits };
  } catch {
    return null;
  }
}

/** True when every address of `inner` lies in `outer` (both CIDRs; IPv4 and IPv6). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = canonicalCidr(inner);
  const b = canonicalCidr(outer);
  if (!a || !b || a.range.kind() !== b.range.kind() || a.bits < b.bits) return false;
  return a.range.match(b.range as never, b.bits);
}

/** The allowlist and expiry that bound a key minted or changed by another key (SPEC §2). */
export interface KeyBounds {
  /** CIDRs, or null for no allowlist. */
  ipAllowlist: readonly string[] | null;
  /** ISO 8601, or null for no expiry. */
  expiresAt: string | null;
}

/**
 * No escalation covers restrictions too (SPEC §2): a key minted or changed by a key is at least
 * as restricted as that key. When the grantor has an allowlist, the key must have one and each
 * of its CIDRs must lie inside one of the grantor's; when the grantor expires, the key must
 * expire no later (an absent expiry is refused, not defaulted, so nothing is silently changed).
 * @throws AppError KEY_RESTRICTION_ESCALATION (403) with details.field 'ipAllowlist' | 'expiresAt'
 */
export function assertWithinBounds(grantor: KeyBounds, key: KeyBounds): void {
  if (grantor.ipAllowlist) {
    const outside = key.ipAllowlist ? key.ipAllowlist.filter((c) => !grantor.ipAllowlist!.some((g) => cidrWithin(c, g))) : null;
    if (!key.ipAllowlist || outside!.length > 0) {
      throw new AppError(
        'KEY_RESTRICTION_ESCALATION',
        key.ipAllowlist
          ? `Every ipAllowlist entry must lie inside the calling key's allowlist; outside: ${outside!.join(', ')}.`
          : 'The calling key has an IP allowlist: the key needs an ipAllowlist inside it.',
        { field: 'ipAllowlist', allowed: grantor.ipAllowlist, ...(outside ? { outside } : {}) },
      );
    }
  }
  if (grantor.expiresAt) {
    const limit = new Date(grantor.expiresAt).getTime();
    if (!key.expiresAt || new Date(key.expiresAt).getTime() > limit) {
      throw new AppError(
        'KEY_RESTRICTION_ESCALATION',
        key.expiresAt
          ? `expiresAt must be no later than the calling key's own expiry (${grantor.expiresAt}).`
          : `The calling key expires at ${grantor.expiresAt}: the key needs an expiresAt no later than that.`,
        { field: 'expiresAt', latest: grantor.expiresAt },
      );
    }
  }
}
