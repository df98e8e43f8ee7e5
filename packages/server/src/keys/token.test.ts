import { API_KEY_TOKEN_REGEX } from '@payment-gateway/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62 } from '../util/base62.js';
import { checksumOf, KEY_ID_LENGTH, newKeyId, newSecret, parseToken, secretPrefix } from './token.js';

const base62Char = fc.constantFrom(...BASE62.split(''));
const base62 = (n: number) => fc.string({ unit: base62Char, minLength: n, maxLength: n });
/** Any token the format allows: random keyId and secret body, correct checksum. */
const validToken = fc.tuple(base62(KEY_ID_LENGTH), base62(43)).map(([id, body]) => {
  const head = `sk_${id}.${body}`;
  return { token: head + checksumOf(head), keyId: id, secret: body + checksumOf(head) };
});

describe('token format', () => {
  it('generated tokens match the documented regex and parse back to their id and secret', () => {
    for (let i = 0; i < 200; i++) {
      const id = newKeyId();
      const { token, secret } = newSecret(id);
      expect(token).toMatch(API_KEY_TOKEN_REGEX);
      expect(token).toHaveLength(3 + 22 + 1 + 43 + 6);
      expect(parseToken(token)).toEqual({ keyId: id, secret });
      expect(secretPrefix(secret)).toBe(secret.slice(0, 4));
    }
  });

  it('any well-formed token parses back to its id and secret', () => {
    fc.assert(
      fc.property(validToken, ({ token, keyId, secret }) => {
        expect(parseToken(token)).toEqual({ keyId, secret });
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects any single-character change', () => {
    fc.assert(
      fc.property(
        validToken,
        fc.nat(),
        fc.oneof(base62Char, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
        ({ token }, at, ch) => {
          const i = at % token.length;
          fc.pre(token[i] !== ch);
          const changed = token.slice(0, i) + ch + token.slice(i + 1);
          expect(parseToken(changed)).toBeNull();
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('rejects single-character changes within base62 (only the checksum can catch them)', () => {
    fc.assert(
      fc.property(validToken, fc.integer({ min: 3, max: 3 + 22 + 1 + 43 + 6 - 1 }), base62Char, ({ token }, i, ch) => {
        fc.pre(i !== 3 + 22 && token[i] !== ch);
        expect(parseToken(token.slice(0, i) + ch + token.slice(i + 1))).toBeNull();
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects truncation, extension and transposition', () => {
    fc.assert(
      fc.property(validToken, fc.integer({ min: 0, max: 74 }), base62Char, ({ token }, cut, extra) => {
        expect(parseToken(token.slice(0, cut))).toBeNull();
        expect(parseToken(token + extra)).toBeNull();
        expect(parseToken(extra + token)).toBeNull();
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(validToken, fc.integer({ min: 26, max: 26 + 43 + 6 - 2 }), ({ token }, i) => {
        fc.pre(token[i] !== token[i + 1]);
        expect(parseToken(token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2))).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects random strings, including ones shaped like a token', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        expect(parseToken(s)).toBeNull();
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(base62(KEY_ID_LENGTH), base62(49), (id, secret) => {
        const token = `sk_${id}.${secret}`;
        fc.pre(checksumOf(token.slice(0, -6)) !== token.slice(-6));
        expect(parseToken(token)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('the checksum is 6 base62 characters of the CRC32 of everything before it', () => {
    expect(checksumOf('')).toBe('000000');
    fc.assert(fc.property(fc.string(), (s) => void expect(checksumOf(s)).toMatch(/^[0-9A-Za-z]{6}$/)));
  });
});
