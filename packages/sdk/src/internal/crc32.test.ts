import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { toBase62 } from './base62.js';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('agrees with zlib on ASCII and multi-byte input', () => {
    for (const s of ['sk_abc.def', 'héllo wörld ✓', 'x'.repeat(1000)]) {
      expect(crc32(s)).toBe(zlibCrc32(s));
    }
  });
});

describe('toBase62', () => {
  it('encodes and pads', () => {
    expect(toBase62(0, 6)).toBe('000000');
    expect(toBase62(61, 2)).toBe('0z');
    expect(toBase62(62, 1)).toBe('10');
    expect(toBase62(0xffffffff, 6)).toBe('4gfFC3');
  });
});
