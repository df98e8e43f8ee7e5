import { createHash } from 'node:crypto';
import { randomBase62 } from '../util/base62.js';

/** Magic-link tokens and portal session tokens: a prefix plus 43 base62 characters (256 bits). */
export const MAGIC_LINK_PREFIX = 'pml_';
export const PORTAL_SESSION_PREFIX = 'pst_';
const RANDOM_LENGTH = 43;
const BODY = new RegExp(`^[0-9A-Za-z]{${RANDOM_LENGTH}}$`);

export type PortalTokenPrefix = typeof MAGIC_LINK_PREFIX | typeof PORTAL_SESSION_PREFIX;

export function newPortalToken(prefix: PortalTokenPrefix): string {
  return prefix + randomBase62(RANDOM_LENGTH);
}

/** Shape check without I/O, so malformed tokens never reach storage. */
export function isPortalToken(prefix: PortalTokenPrefix, token: string): boolean {
  return token.startsWith(prefix) && BODY.test(token.slice(prefix.length));
}

/**
 * Hex SHA-256 of a token. A plain hash is enough here: the tokens are 256-bit random and
 * short-lived, so a leaked table cannot be brute-forced back into working tokens.
 */
export function hashPortalToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
