import { crc32 } from 'node:zlib';
import { API_KEY_TOKEN_REGEX } from '@payment-gateway/contract';
import { encodeBase62, randomBase62 } from '../util/base62.js';

/**
 * Token format (SPEC §1.1): `sk_<keyId>.<secret>` where keyId is 22 base62 characters and the
 * secret is 43 base62 characters (≥ 256 bits) followed by a 6-character base62 CRC32 of
 * everything before it. The checksum lets a truncated or mistyped key be rejected without
 * touching storage, and lets secret scanners validate candidates offline.
 */
export const KEY_ID_LENGTH = 22;
export const SECRET_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;
export const PREFIX_HINT_LENGTH = 4;

export interface ParsedToken {
  keyId: string;
  /** The 43 random characters plus the 6 checksum characters: what is HMACed and stored. */
  secret: string;
}

export function checksumOf(body: string): string {
  return encodeBase62(crc32(body) >>> 0, CHECKSUM_LENGTH);
}

export function newKeyId(): string {
  return randomBase62(KEY_ID_LENGTH);
}

/** A fresh secret (random part plus checksum) for the given key id, and the full token. */
export function newSecret(keyId: string): { token: string; secret: string } {
  const body = `sk_${keyId}.${randomBase62(SECRET_LENGTH)}`;
  const token = body + checksumOf(body);
  return { token, secret: token.slice(4 + KEY_ID_LENGTH) };
}

/** Parses a token and verifies its checksum; returns null for anything malformed. */
export function parseToken(token: string): ParsedToken | null {
  if (token.length !== 3 + KEY_ID_LENGTH + 1 + SECRET_LENGTH + CHECKSUM_LENGTH) return null;
  const m = API_KEY_TOKEN_REGEX.exec(token);
  if (!m) return null;
  const body = token.slice(0, token.length - CHECKSUM_LENGTH);
  if (checksumOf(body) !== m[3]) return null;
  return { keyId: m[1]!, secret: m[2]! + m[3]! };
}

export function secretPrefix(secret: string): string {
  return secret.slice(0, PREFIX_HINT_LENGTH);
}
