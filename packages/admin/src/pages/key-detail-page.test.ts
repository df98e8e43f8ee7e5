import { describe, expect, it } from 'vitest';
import { allowlistText } from './key-detail-page.js';

describe('allowlistText', () => {
  it('says what a stored allowlist means: null any address, [] none at all', () => {
    expect(allowlistText(null)).toBe('any address');
    expect(allowlistText([])).toMatch(/^none: every address is refused/);
    expect(allowlistText(['10.0.0.0/8', '::1/128'])).toBe('10.0.0.0/8, ::1/128');
  });
});
