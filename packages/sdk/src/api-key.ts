import { API_KEY_TOKEN_REGEX } from '@payment-gateway/contract';
import { toBase62 } from './internal/base62.js';
import { crc32 } from './internal/crc32.js';

/** The public parts of a well-formed API key token. The secret is deliberately not returned. */
export interface ParsedApiKey {
  /** The 22-character public key id (the part after `sk_`). */
  keyId: string;
  /** The 6-character base62 CRC32 checksum at the end of the token. */
  checksum: string;
}

/** Why a string is not an API key; never includes the string itself. */
export type ApiKeyFormatProblem = 'not_a_string' | 'surrounding_whitespace' | 'malformed' | 'bad_checksum';

/** The checksum a token must end with: base62 CRC32 of `sk_<keyId>.<43-char secret>`, 6 chars. */
export function apiKeyChecksum(body: string): string {
  return toBase62(crc32(body), 6);
}

/** Checks a token offline (format and checksum) and says what is wrong, without echoing it. */
export function checkApiKeyFormat(token: unknown): { ok: true; key: ParsedApiKey } | { ok: false; problem: ApiKeyFormatProblem } {
  if (typeof token !== 'string') return { ok: false, problem: 'not_a_string' };
  // Not trimmed silently: a key read with its newline is refused with a message that says so.
  if (token !== token.trim()) return { ok: false, problem: 'surrounding_whitespace' };
  const match = API_KEY_TOKEN_REGEX.exec(token);
  if (!match) return { ok: false, problem: 'malformed' };
  const [, keyId, secret, checksum] = match as unknown as [string, string, string, string];
  if (apiKeyChecksum(`sk_${keyId}.${secret}`) !== checksum) return { ok: false, problem: 'bad_checksum' };
  return { ok: true, key: { keyId, checksum } };
}

/**
 * Parses an API key token (`sk_<keyId>.<secret><checksum>`) offline, checking its format and
 * CRC32 checksum. Returns `null` for anything that is not a well-formed key.
 *
 * @example
 * const parsed = parseApiKey(process.env.PAYMENT_GATEWAY_API_KEY);
 * if (parsed) console.log('using key', parsed.keyId);
 */
export function parseApiKey(token: unknown): ParsedApiKey | null {
  const result = checkApiKeyFormat(token);
  return result.ok ? result.key : null;
}

/** `true` when `token` has the API key format and a valid checksum (no network involved). */
export function isValidApiKeyFormat(token: unknown): token is string {
  return checkApiKeyFormat(token).ok;
}
