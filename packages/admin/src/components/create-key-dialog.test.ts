import { describe, expect, it } from 'vitest';
import { parseAllowlist } from './create-key-dialog.js';

describe('parseAllowlist', () => {
  it('sends no allowlist for an empty or blank field, never [] (the server refuses [])', () => {
    for (const text of ['', '   ', '\n', ', ,', ' ,\n, ']) expect(parseAllowlist(text), JSON.stringify(text)).toBeUndefined();
  });
  it('splits on commas, spaces and lines', () => {
    expect(parseAllowlist('203.0.113.0/24, 198.51.100.7\n::1')).toEqual(['203.0.113.0/24', '198.51.100.7', '::1']);
  });
});
