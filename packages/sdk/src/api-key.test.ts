import { API_KEY_TOKEN_REGEX } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { apiKeyChecksum, isValidApiKeyFormat, parseApiKey } from './api-key.js';
import { PaymentGateway } from './client.js';
import { PaymentGatewayConfigError } from './errors.js';
import { makeKey } from './test-support/msw.js';

describe('API key format', () => {
  const key = makeKey('x');

  it('accepts a well-formed key and returns only its public parts', () => {
    expect(key).toMatch(API_KEY_TOKEN_REGEX);
    expect(isValidApiKeyFormat(key)).toBe(true);
    const parsed = parseApiKey(key);
    expect(parsed).toEqual({ keyId: 'K'.repeat(22), checksum: key.slice(-6) });
    expect(JSON.stringify(parsed)).not.toContain('x'.repeat(10));
  });

  it('computes the checksum as base62 CRC32 of everything before it', () => {
    // crc32('123456789') = 0xCBF43926, in base62 (0-9A-Za-z) padded to 6 characters.
    expect(apiKeyChecksum('123456789')).toBe('3jZRME');
    expect(apiKeyChecksum('')).toBe('000000');
    expect(key.slice(-6)).toBe(apiKeyChecksum(key.slice(0, -6)));
  });

  it.each([
    ['a mistyped character', key.slice(0, 30) + (key[30] === 'a' ? 'b' : 'a') + key.slice(31)],
    ['a wrong checksum', key.slice(0, -1) + (key.endsWith('0') ? '1' : '0')],
    ['a truncated key', key.slice(0, -1)],
    ['a wrong prefix', `pk_${key.slice(3)}`],
    ['a short key id', key.replace('K'.repeat(22), 'K'.repeat(21))],
    ['non-base62 characters', key.replace('K', '-')],
    ['trailing whitespace', `${key} `],
    ['a trailing newline', `${key}\n`],
    ['leading whitespace', `  ${key}`],
    ['an empty string', ''],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects %s', (_, candidate) => {
    expect(isValidApiKeyFormat(candidate)).toBe(false);
    expect(parseApiKey(candidate)).toBeNull();
  });
});

describe('API key with surrounding whitespace', () => {
  const key = makeKey('w');

  it.each([
    ['a trailing newline', `${key}\n`],
    ['a trailing CRLF', `${key}\r\n`],
    ['trailing spaces', `${key}  `],
    ['a leading tab', `\t${key}`],
  ])('is refused at construction, saying it has %s-like whitespace, without echoing it', (_, candidate) => {
    let error: unknown;
    try {
      new PaymentGateway({ apiKey: candidate, baseUrl: 'http://gateway.test' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaymentGatewayConfigError);
    expect((error as Error).message).toMatch(/leading or trailing whitespace/);
    expect((error as Error).message).not.toContain(key.slice(3, 25));
  });

  it('is not confused with a malformed key', () => {
    expect(() => new PaymentGateway({ apiKey: 'sk_nope', baseUrl: 'http://gateway.test' })).toThrow(/does not look like/);
  });
});
