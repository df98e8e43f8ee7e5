import { describe, expect, it } from 'vitest';
import { storedInstant } from './stored-instant.js';

describe('storedInstant', () => {
  it('writes every accepted form with milliseconds, rounding finer digits up', () => {
    expect(storedInstant('2030-01-01T00:00:00Z')).toBe('2030-01-01T00:00:00.000Z');
    expect(storedInstant('2030-01-01T00:00:00.5Z')).toBe('2030-01-01T00:00:00.500Z');
    expect(storedInstant('2030-01-01T00:00:00.123Z')).toBe('2030-01-01T00:00:00.123Z');
    expect(storedInstant('2030-01-01T00:00:00.123000Z')).toBe('2030-01-01T00:00:00.123Z');
    expect(storedInstant('2030-01-01T00:00:00.123001Z')).toBe('2030-01-01T00:00:00.124Z');
    expect(storedInstant('2030-12-31T23:59:59.9999Z')).toBe('2031-01-01T00:00:00.000Z');
  });
});
