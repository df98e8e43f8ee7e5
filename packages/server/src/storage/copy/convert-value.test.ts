import { describe, expect, it } from 'vitest';
import { convertValue } from './convert-value.js';
import { DatabaseCopyError } from './copy-error.js';

describe('convertValue: SQLite values → PostgreSQL parameters by target column type', () => {
  it('keeps every integer exact, beyond 2^53 included, as decimal text', () => {
    expect(convertValue(9007199254740993n, 'bigint', 'w')).toBe('9007199254740993');
    expect(convertValue(-42n, 'integer', 'w')).toBe('-42');
  });

  it('turns SQLite 0/1 into booleans for a boolean column', () => {
    expect(convertValue(1n, 'boolean', 'w')).toBe(true);
    expect(convertValue(0n, 'boolean', 'w')).toBe(false);
  });

  it('passes ISO text to timestamp and date columns and reads integers as epoch milliseconds', () => {
    expect(convertValue('2030-01-01T00:00:00.000Z', 'timestamp with time zone', 'w')).toBe('2030-01-01T00:00:00.000Z');
    expect(convertValue(1_893_456_000_000n, 'timestamp with time zone', 'w')).toBe('2030-01-01T00:00:00.000Z');
    expect(convertValue('2030-01-01', 'date', 'w')).toBe('2030-01-01');
  });

  it('passes blobs to bytea and refuses a blob in a text column rather than writing \\x… text', () => {
    const bytes = Buffer.from([0, 1, 255]);
    expect(convertValue(bytes, 'bytea', 'w')).toBe(bytes);
    expect(convertValue('abc', 'bytea', 'w')).toEqual(Buffer.from('abc'));
    expect(() => convertValue(bytes, 'text', 'api_keys row 3, column name')).toThrow(DatabaseCopyError);
    expect(() => convertValue(bytes, 'text', 'api_keys row 3, column name')).toThrow(/api_keys row 3, column name/);
  });

  it('keeps text, JSON text, reals and NULL as they are', () => {
    expect(convertValue('["a"]', 'text', 'w')).toBe('["a"]');
    expect(convertValue('{"a":1}', 'jsonb', 'w')).toBe('{"a":1}');
    expect(convertValue(1.5, 'double precision', 'w')).toBe(1.5);
    expect(convertValue(null, 'integer', 'w')).toBeNull();
  });
});
