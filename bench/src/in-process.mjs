// A real gateway (createGateway over embedded SQLite in a temp directory) driven in-process,
// for the verification and growth benchmarks; plus a bulk key loader for large key counts.
import { createHmac, randomBytes } from 'node:crypto';
import { checksumOf, createGateway, loadConfig, parseToken, SecretHasher } from '@payment-gateway/server';
import { BENCH_SECRETS, removeDir, tempDataDir } from './server-process.mjs';

export const BENCH_ORIGIN = { actor: { type: 'system', id: 'bench' }, requestId: null, ip: null };

/**
 * Starts a gateway on a fresh SQLite database. The cache keeps entries 60 s (the longest the
 * configuration allows) so a "warm" series never crosses an expiry, and lastUsedAt is flushed
 * once an hour so no batch flush lands inside a timed series (the flush is off the hot path).
 */
export async function startInProcessGateway() {
  const dataDir = tempDataDir();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    API_KEY_PEPPER: BENCH_SECRETS.API_KEY_PEPPER,
    BOOTSTRAP_ADMIN_EMAIL: BENCH_SECRETS.BOOTSTRAP_ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: BENCH_SECRETS.BOOTSTRAP_ADMIN_PASSWORD,
    KEY_CACHE_MAX_AGE_MS: '60000',
    LAST_USED_FLUSH_MS: '3600000',
  });
  const gateway = await createGateway(config);
  const hasher = new SecretHasher({
    current: { version: config.pepperVersion, secret: BENCH_SECRETS.API_KEY_PEPPER },
    previous: new Map(),
  });
  const org = await gateway.organizations.create({ name: 'Bench Org' }, BENCH_ORIGIN);
  return {
    gateway,
    hasher,
    orgId: org.id,
    async close() {
      await gateway.close();
      removeDir(dataDir);
    },
  };
}

const PEPPER_KEY = Buffer.from(BENCH_SECRETS.API_KEY_PEPPER, 'utf8');

/** The baseline of the verification benchmark: one bare HMAC-SHA256 under the same pepper. */
export function bareHmac(secret) {
  return createHmac('sha256', PEPPER_KEY).update(secret, 'utf8').digest();
}

/** The secret part of a token (what the server HMACs): everything after `sk_<keyId>.`. */
export function secretOf(token) {
  return token.slice(token.indexOf('.') + 1);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `count` tokens in the server's format (`sk_<22>.<43><6-char CRC32 checksum>`, checksum from
 * the server's own checksumOf), drawn from one large CSPRNG buffer: newSecret() asks the CSPRNG
 * twice per token, which makes 100 000 keys take seconds. Each token is checked with parseToken.
 */
export function generateTokens(count) {
  const perToken = 22 + 43;
  const tokens = new Array(count);
  let pool = randomBytes(0);
  let at = 0;
  const char = () => {
    for (;;) {
      if (at >= pool.length) {
        pool = randomBytes(1 << 20);
        at = 0;
      }
      const b = pool[at++];
      // 248 = 62 * 4: bytes at or above it would bias the distribution.
      if (b < 248) return BASE62[b % 62];
    }
  };
  for (let i = 0; i < count; i++) {
    let chars = '';
    for (let c = 0; c < perToken; c++) chars += char();
    const body = `sk_${chars.slice(0, 22)}.${chars.slice(22)}`;
    const token = body + checksumOf(body);
    if (!parseToken(token)) throw new Error(`generated token does not parse: ${token}`);
    tokens[i] = token;
  }
  return tokens;
}

/**
 * Inserts `count` active organization keys straight into `api_keys` (batched, one transaction
 * per 20 batches), hashed exactly as the key service does. Returns every token.
 */
export async function insertKeys({ gateway, hasher, orgId }, count) {
  const db = gateway.database.db;
  const tokens = generateTokens(count);
  const now = new Date().toISOString();
  const BATCH = 500;
  const PER_TRANSACTION = 20 * BATCH;
  for (let start = 0; start < count; start += PER_TRANSACTION) {
    const end = Math.min(count, start + PER_TRANSACTION);
    await db.transaction().execute(async (trx) => {
      for (let b = start; b < end; b += BATCH) {
        const rows = [];
        for (let i = b; i < Math.min(end, b + BATCH); i++) {
          const { keyId: id, secret } = parseToken(tokens[i]);
          const { hash, pepperVersion } = hasher.hash(secret);
          rows.push({
            id,
            tier: 'organization',
            organization_id: orgId,
            name: `bench key ${i}`,
            description: null,
            scopes: '["client:read"]',
            status: 'active',
            ip_allowlist: null,
            expires_at: null,
            created_at: now,
            created_by_type: 'system',
            created_by_id: 'bench',
            updated_at: now,
            last_used_at: null,
            last_rotated_at: null,
            secret_hash: hash,
            secret_prefix: secret.slice(0, 4),
            pepper_version: pepperVersion,
            previous_secret_hash: null,
            previous_pepper_version: null,
            previous_secret_expires_at: null,
            revoked_at: null,
            revoked_reason: null,
            version: 1,
          });
        }
        await trx.insertInto('api_keys').values(rows).execute();
      }
    });
  }
  return tokens;
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled(items) {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
