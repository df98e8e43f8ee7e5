import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Secrets are 256-bit random strings, so a keyed fast hash is right (SPEC §1.2):
 * HMAC-SHA256 with a server-side pepper, versioned so the pepper can be rotated.
 */
export interface Peppers {
  current: { version: number; secret: string };
  /** Older peppers still accepted for verification, by version. */
  previous: ReadonlyMap<number, string>;
}

export class SecretHasher {
  // KeyObjects, imported once: createHmac with a raw Buffer re-imports the key on every call.
  readonly #keys = new Map<number, KeyObject>();
  readonly currentVersion: number;

  constructor(peppers: Peppers) {
    this.currentVersion = peppers.current.version;
    this.#keys.set(peppers.current.version, createSecretKey(Buffer.from(peppers.current.secret, 'utf8')));
    for (const [version, secret] of peppers.previous) this.#keys.set(version, createSecretKey(Buffer.from(secret, 'utf8')));
  }

  /** Hex HMAC-SHA256 of the secret under the current pepper. */
  hash(secret: string): { hash: string; pepperVersion: number } {
    return { hash: this.#digest(this.currentVersion, secret)!.toString('hex'), pepperVersion: this.currentVersion };
  }

  /**
   * Constant-time check of a presented secret against a stored hash. An unknown pepper
   * version still does the same work against a dummy key, so timing reveals nothing.
   */
  verify(secret: string, storedHex: string, pepperVersion: number): boolean {
    const known = this.#keys.has(pepperVersion);
    const digest = this.#digest(known ? pepperVersion : this.currentVersion, secret)!;
    const stored = Buffer.from(storedHex, 'hex');
    if (stored.length !== digest.length) {
      timingSafeEqual(digest, digest);
      return false;
    }
    return timingSafeEqual(digest, stored) && known;
  }

  #digest(version: number, secret: string): Buffer | undefined {
    const key = this.#keys.get(version);
    return key ? createHmac('sha256', key).update(secret, 'utf8').digest() : undefined;
  }
}
