import { beforeEach, describe, expect, it } from 'vitest';
import { InProcessChangeFeed } from '../storage/change-feed.js';
import { SecretHasher } from './hashing.js';
import { keyRecord } from '../../test/key-record-fixture.js';
import { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import { KeyVerifier } from './key-verifier.js';
import { newKeyId, newSecret } from './token.js';

const hasher = new SecretHasher({ current: { version: 1, secret: 'pepper-0123456789abcdef0123456789abcdef' }, previous: new Map() });
const T0 = new Date('2030-01-01T00:00:00.000Z');

describe('KeyVerifier', () => {
  let now: Date;
  let stored: KeyRecord | null;
  let touched: string[];
  let verifier: KeyVerifier;
  let current: ReturnType<typeof newSecret>;
  const id = newKeyId();

  beforeEach(() => {
    now = T0;
    touched = [];
    current = newSecret(id);
    const h = hasher.hash(current.secret);
    stored = keyRecord({ id, secretHash: h.hash, pepperVersion: h.pepperVersion });
    verifier = new KeyVerifier({
      cache: new KeyCache(new InProcessChangeFeed()),
      hasher,
      load: async () => (stored ? { ...stored } : null),
      touch: (keyId) => touched.push(keyId),
      now: () => now,
    });
  });

  /** Rotates the stored key: the current secret becomes the previous one until `graceEnd`. */
  function rotate(graceEnd: Date | null) {
    const fresh = newSecret(id);
    const h = hasher.hash(fresh.secret);
    stored = {
      ...stored!,
      previousSecretHash: graceEnd ? stored!.secretHash : null,
      previousPepperVersion: graceEnd ? stored!.pepperVersion : null,
      previousSecretExpiresAt: graceEnd?.toISOString() ?? null,
      secretHash: h.hash,
      pepperVersion: h.pepperVersion,
    };
    return fresh.token;
  }

  it('accepts the current secret and records use without writing', async () => {
    const r = await verifier.verify(current.token);
    expect(r).toMatchObject({ ok: true, key: { id } });
    expect(touched).toEqual([id]);
  });

  it('refuses unknown ids, wrong secrets and malformed tokens alike', async () => {
    for (const token of [newSecret(newKeyId()).token, newSecret(id).token, current.token.slice(0, -1), 'sk_x', '']) {
      expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(touched).toEqual([]);
  });

  it('accepts the previous secret only while its grace lasts', async () => {
    const old = current.token;
    const fresh = rotate(new Date(T0.getTime() + 60_000));
    expect((await verifier.verify(fresh)).ok).toBe(true);
    expect((await verifier.verify(old)).ok).toBe(true);
    now = new Date(T0.getTime() + 59_999);
    expect((await verifier.verify(old)).ok).toBe(true);
    now = new Date(T0.getTime() + 60_000);
    expect(await verifier.verify(old)).toEqual({ ok: false, reason: 'invalid' });
    expect((await verifier.verify(fresh)).ok).toBe(true);
  });

  it('refuses the previous secret at once with no grace', async () => {
    const old = current.token;
    const fresh = rotate(null);
    expect(await verifier.verify(old)).toEqual({ ok: false, reason: 'invalid' });
    expect((await verifier.verify(fresh)).ok).toBe(true);
  });

  it('says revoked or expired only once the secret is proven', async () => {
    stored = { ...stored!, status: 'revoked' };
    expect(await verifier.verify(current.token)).toMatchObject({ ok: false, reason: 'revoked' });
    expect(await verifier.verify(newSecret(id).token)).toEqual({ ok: false, reason: 'invalid' });

    const other = new KeyVerifier({
      cache: new KeyCache(new InProcessChangeFeed()),
      hasher,
      load: async () => ({ ...stored!, status: 'active', expiresAt: T0.toISOString() }),
      now: () => now,
    });
    now = new Date(T0.getTime() - 1);
    expect((await other.verify(current.token)).ok).toBe(true);
    now = T0;
    expect(await other.verify(current.token)).toMatchObject({ ok: false, reason: 'expired' });
    expect(await other.verify(newSecret(id).token)).toEqual({ ok: false, reason: 'invalid' });
    expect(touched).toEqual([]);
  });
});
