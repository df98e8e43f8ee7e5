import { createHash } from 'node:crypto';
import { randomBase62 } from '../util/base62.js';

/** Opaque refresh tokens: `rt_` + 43 base62 characters (≥ 256 bits). Stored only as SHA-256. */
export function newRefreshToken(): string {
  return `rt_${randomBase62(43)}`;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeRefreshToken(token: string | undefined): token is string {
  return typeof token === 'string' && /^rt_[0-9A-Za-z]{43}$/.test(token);
}
