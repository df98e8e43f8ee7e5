import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { readBearer } from './bearer.js';

describe('readBearer', () => {
  it('returns null when there is no Authorization header (the caller answers 401)', () => {
    expect(readBearer(undefined)).toBeNull();
    expect(readBearer('')).toBeNull();
  });

  it('reads the credential, whatever the letter case of the scheme name', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) expect(readBearer(`${scheme} sk_abc.def`)).toBe('sk_abc.def');
    expect(readBearer('Bearer  eyJ.a-b_c.d~e+f/g==')).toBe('eyJ.a-b_c.d~e+f/g==');
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearersk_x', 'Token sk_x', 'Bearer sk_x\u0000', 'Bearer "sk_x"'])(
    'refuses %j as MALFORMED_AUTHORIZATION',
    (header) => {
      let caught: unknown;
      try {
        readBearer(header);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('MALFORMED_AUTHORIZATION');
    },
  );
});
