import type { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import type { SecretHasher } from './hashing.js';
import { parseToken } from './token.js';

export type KeyVerification =
  | { ok: true; key: KeyRecord }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'revoked' | 'expired'; key: KeyRecord };

export interface KeyVerifierOptions {
  cache: KeyCache;
  hasher: SecretHasher;
  load: (keyId: string) => Promise<KeyRecord | null>;
  /** Records use for the batched lastUsedAt flush; never writes on the hot path. */
  touch?: (keyId: string, at: Date) => void;
  now?: () => Date;
}

// Compared against when the key id is unknown, so that path costs the same HMAC as a wrong secret.
const DUMMY_HASH = '0'.repeat(64);

/**
 * The hot path of SPEC §7.2: parse → checksum → cached lookup → constant-time HMAC compare
 * (current, then previous secret while in grace) → status/expiry. No database writes.
 * Only after the secret is proven may a result say revoked or expired.
 */
export class KeyVerifier {
  readonly #o: KeyVerifierOptions;
  readonly #now: () => Date;

  constructor(options: KeyVerifierOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  async verify(token: string): Promise<KeyVerification> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: 'invalid' };
    const { cache, load } = this.#o;
    const cached = cache.get(parsed.keyId);
    const key = cached !== undefined ? cached : await cache.load(parsed.keyId, () => load(parsed.keyId));
    const { hasher } = this.#o;
    if (!key) {
      hasher.verify(parsed.secret, DUMMY_HASH, hasher.currentVersion);
      return { ok: false, reason: 'invalid' };
    }
    const now = this.#now();
    let proven = hasher.verify(parsed.secret, key.secretHash, key.pepperVersion);
    if (!proven && key.previousSecretHash && key.previousSecretExpiresAt && new Date(key.previousSecretExpiresAt) > now) {
      proven = hasher.verify(parsed.secret, key.previousSecretHash, key.previousPepperVersion ?? key.pepperVersion);
    }
    if (!proven) return { ok: false, reason: 'invalid' };
    if (key.status === 'revoked') return { ok: false, reason: 'revoked', key };
    if (key.expiresAt && new Date(key.expiresAt) <= now) return { ok: false, reason: 'expired', key };
    this.#o.touch?.(key.id, now);
    return { ok: true, key };
  }
}
