import { describe, expect, it } from 'vitest';
import { parseAllowlist, parseExpiry } from './create-key-dialog.js';

describe('Create key dialog field parsing', () => {
  it('expiry: empty is none; a date becomes ISO 8601 UTC; garbage is refused with a hint', () => {
    expect(parseExpiry('  ')).toBeUndefined();
    expect(parseExpiry('2027-01-31T12:00:00Z')).toBe('2027-01-31T12:00:00.000Z');
    expect(() => parseExpiry('next tuesday')).toThrow(/is not a date/);
  });
  it('IP allowlist: entries separated by commas, spaces or lines', () => {
    expect(parseAllowlist('')).toBeUndefined();
    expect(parseAllowlist('203.0.113.0/24, 2001:db8::/32\n198.51.100.7')).toEqual(['203.0.113.0/24', '2001:db8::/32', '198.51.100.7']);
  });
});
