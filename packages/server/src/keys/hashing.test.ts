import { describe, expect, it } from 'vitest';
import { SecretHasher } from './hashing.js';

const P1 = 'pepper-one-0123456789abcdef0123456789';
const P2 = 'pepper-two-0123456789abcdef0123456789';

describe('SecretHasher', () => {
  it('hashes with the current pepper version and verifies only the same secret', () => {
    const h = new SecretHasher({ current: { version: 1, secret: P1 }, previous: new Map() });
    const { hash, pepperVersion } = h.hash('secret-a');
    expect(pepperVersion).toBe(1);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('secret-a');
    expect(h.verify('secret-a', hash, 1)).toBe(true);
    expect(h.verify('secret-b', hash, 1)).toBe(false);
    expect(h.verify('secret-a', hash.slice(0, 62), 1)).toBe(false);
    expect(h.verify('secret-a', 'zz', 1)).toBe(false);
  });

  it('is keyed: another pepper gives another hash', () => {
    const a = new SecretHasher({ current: { version: 1, secret: P1 }, previous: new Map() });
    const b = new SecretHasher({ current: { version: 1, secret: P2 }, previous: new Map() });
    expect(a.hash('s').hash).not.toBe(b.hash('s').hash);
    expect(b.verify('s', a.hash('s').hash, 1)).toBe(false);
  });

  it('verifies hashes of a previous pepper version after the pepper is rotated, and new ones under the new version', () => {
    const old = new SecretHasher({ current: { version: 1, secret: P1 }, previous: new Map() });
    const stored = old.hash('s');
    const rotated = new SecretHasher({ current: { version: 2, secret: P2 }, previous: new Map([[1, P1]]) });
    expect(rotated.currentVersion).toBe(2);
    expect(rotated.verify('s', stored.hash, 1)).toBe(true);
    // The version matters: the same hash claimed under version 2 does not verify.
    expect(rotated.verify('s', stored.hash, 2)).toBe(false);
    const fresh = rotated.hash('s');
    expect(fresh.pepperVersion).toBe(2);
    expect(rotated.verify('s', fresh.hash, 2)).toBe(true);
  });

  it('refuses an unknown pepper version, even when the hash would match the current pepper', () => {
    const h = new SecretHasher({ current: { version: 3, secret: P1 }, previous: new Map() });
    const { hash } = h.hash('s');
    expect(h.verify('s', hash, 3)).toBe(true);
    expect(h.verify('s', hash, 2)).toBe(false);
    expect(h.verify('s', hash, 99)).toBe(false);
  });
});
