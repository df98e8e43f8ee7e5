import { describe, expect, it } from 'vitest';
import { newSecret, newKeyId } from '../keys/token.js';
import { newPortalToken } from '../portal/portal-tokens.js';
import { newRefreshToken } from '../sessions/refresh-tokens.js';
import { maskedPath, scrubCredentials } from './logger.js';

describe('scrubCredentials', () => {
  const key = newSecret(newKeyId()).token;
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiJzZXNfMSJ9.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA';
  it.each([
    ['api key', key],
    ['truncated api key', key.slice(0, 30)],
    ['magic link', newPortalToken('pml_')],
    ['portal session', newPortalToken('pst_')],
    ['refresh token', newRefreshToken()],
    ['access JWT', jwt],
    ['bare secret', key.split('.')[1]!],
  ])('masks a %s wherever it sits', (_kind, token) => {
    for (const text of [token, `"url":"/x?api_key=${token}&a=1"`, `Bearer ${token}`, `k=${token};`]) {
      expect(scrubCredentials(text)).not.toContain(token);
      expect(scrubCredentials(text)).toContain('[redacted]');
    }
  });

  it('keeps what operators need: request ids, route patterns, organization ids, key ids', () => {
    const line =
      '{"reqId":"req_0123456789abcdef0123456789abcdef","route":"/api/v1/organizations/:orgId/api-keys","org":"org_aaaaaaaaaaaaaaaaaaaa","keyId":"AAAAAAAAAAAAAAAAAAAAAA"}';
    expect(scrubCredentials(line)).toBe(line);
  });
});

describe('maskedPath', () => {
  it('drops the query string and masks credential-shaped segments, raw or percent-encoded', () => {
    const key = newSecret(newKeyId()).token;
    expect(maskedPath(`/api/v1/auth/whoami?api_key=${key}`)).toBe('/api/v1/auth/whoami');
    expect(maskedPath(`/api/v1/clients/${key}`)).toBe('/api/v1/clients/[redacted]');
    expect(maskedPath(`/api/v1/clients/${encodeURIComponent(key).replace('_', '%5F')}`)).toBe('/api/v1/clients/[redacted]');
    expect(maskedPath('/api/v1/clients/cli_aaaaaaaaaaaaaaaaaaaa')).toBe('/api/v1/clients/cli_aaaaaaaaaaaaaaaaaaaa');
  });

  it('masks a token percent-encoded twice or more, character by character (probe finding)', () => {
    const key = newSecret(newKeyId()).token;
    const everyChar = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    const twice = everyChar(key).replaceAll('%', '%25');
    expect(maskedPath(`/api/v1/clients/${twice}`)).toBe('/api/v1/clients/[redacted]');
    expect(maskedPath(`/api/v1/clients/${twice.replaceAll('%', '%25').replaceAll('%25', '%2525')}`)).toBe('/api/v1/clients/[redacted]');
    // Deeper than any decoding round: masked because it still holds an escape.
    let deep = everyChar('abc');
    for (let i = 0; i < 8; i++) deep = deep.replaceAll('%', '%25');
    expect(maskedPath(`/api/v1/clients/${deep}`)).toBe('/api/v1/clients/[redacted]');
    expect(maskedPath('/api/v1/clients/%7Eplain')).toBe('/api/v1/clients/%7Eplain');
  });
});

describe('scrubCredentials on clean and mixed text', () => {
  // The four replacements as first written, without the one-pass pre-check: the reference.
  const reference = (text: string) =>
    [
      /(?<![0-9A-Za-z])sk_[0-9A-Za-z]+(?:\.[0-9A-Za-z]*)?/g,
      /(?<![0-9A-Za-z])(?:pml|pst|rt)_[0-9A-Za-z]{6,}/g,
      /eyJ[0-9A-Za-z_-]{6,}(?:\.[0-9A-Za-z_-]*){0,2}/g,
      /[0-9A-Za-z]{40,}/g,
    ].reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);

  it('answers exactly what the four patterns answer, on near-misses and random mixes of token parts', () => {
    const parts = [
      'sk_',
      'sk',
      '_',
      'pml_',
      'pst_',
      'rt_',
      'eyJ',
      '.',
      '-',
      'a',
      'Z',
      '9',
      'x'.repeat(39),
      'y'.repeat(40),
      'abcdef',
      '"',
      ' ',
      '/',
      'é',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples = [
      'sk_a',
      'xsk_a',
      'sk_',
      'pml_abcde',
      'pml_abcdef',
      'ert_abcdef',
      'eyJabcde',
      'eyJabc-_f',
      'a'.repeat(39),
      'a'.repeat(40),
    ];
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const n = 1 + Math.floor(random() * 8);
      for (let j = 0; j < n; j++) text += parts[Math.floor(random() * parts.length)];
      samples.push(text);
    }
    for (const text of samples) expect(scrubCredentials(text), text).toBe(reference(text));
  });
});
