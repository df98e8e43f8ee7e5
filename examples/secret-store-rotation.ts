// The integration's key lives in a secret store — a file, an environment variable or HashiCorp
// Vault (KEY_SOURCE=file|env|vault) — and one long-running client follows a rotation without a
// restart or a new client: the operator rotates the key and writes the new token into the store;
// the client keeps its cached key while the old secret is in its grace period, and when the
// gateway answers 401 after the grace ends, it re-reads the store and re-sends the request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentGateway, SCOPE_BUNDLES } from '@payment-gateway/sdk';
import { cachedKey, keyFromEnv, keyFromFile, keyFromVault, type KeyReader } from './key-sources.js';
import { connect, describeKey, ExampleSetupError, runIfMain, whoamiKey, type ExampleEnv, type Log } from './shared.js';

export type KeySourceKind = 'file' | 'env' | 'vault';

export interface SecretStoreRotationResult {
  source: KeySourceKind;
  keyId: string;
  /** Returned so tests can prove what happened; the example never prints them. */
  oldToken: string;
  newToken: string;
  /** What the one client saw: its calls all succeeded, across the rotation. */
  callsBeforeRotation: number;
  callsInGrace: number;
  callsAfterGrace: number;
  /** Reads of the secret store: once at start, once after the 401 that followed the grace period. */
  storeReads: number;
  /** The key id whoami reported after the grace period (the same key, its new secret). */
  keyIdAfterGrace: string;
}

export interface SecretStoreRotationOptions {
  /** @default node:timers/promises setTimeout; tests pass one that moves their server's clock */
  sleep?: (ms: number) => Promise<unknown>;
}

/** Where this example keeps the key, and how the operator writes a new token into it. */
interface Store {
  read: KeyReader;
  write(token: string): Promise<void>;
  close(): void;
}

async function openStore(kind: KeySourceKind, env: ExampleEnv): Promise<Store> {
  switch (kind) {
    case 'file': {
      // In production the file is a mounted secret or is rewritten by a sidecar (Vault Agent, External Secrets).
      const own = env.API_KEY_FILE ? null : mkdtempSync(join(tmpdir(), 'gateway-key-'));
      const path = env.API_KEY_FILE ?? join(own!, 'api-key');
      return {
        read: keyFromFile(path),
        write: async (token) => writeFileSync(path, `${token}\n`, { mode: 0o600 }),
        close: () => own && rmSync(own, { recursive: true, force: true }),
      };
    }
    case 'env':
      // PAYMENT_GATEWAY_API_KEY (or PAYMENT_GATEWAY_API_KEY_FILE); here the operator's write is the
      // reload of the process environment a config reloader would do.
      return {
        read: keyFromEnv(env, 'PAYMENT_GATEWAY_API_KEY'),
        write: async (token) => void (env.PAYMENT_GATEWAY_API_KEY = token),
        close: () => void delete env.PAYMENT_GATEWAY_API_KEY,
      };
    case 'vault': {
      const address = env.VAULT_ADDR;
      const token = env.VAULT_TOKEN;
      if (!address || !token)
        throw new ExampleSetupError('KEY_SOURCE=vault needs VAULT_ADDR and VAULT_TOKEN (e.g. `vault server -dev` prints both).');
      const path = env.VAULT_SECRET_PATH ?? 'payment-gateway/billing-bridge';
      return {
        read: keyFromVault({ address, token, path }),
        // What `vault kv put secret/<path> apiKey=sk_…` does: a new version of the secret.
        write: async (apiKey) => {
          const res = await fetch(`${address.replace(/\/+$/, '')}/v1/secret/data/${path}`, {
            method: 'POST',
            headers: { 'X-Vault-Token': token, 'content-type': 'application/json' },
            body: JSON.stringify({ data: { apiKey } }),
          });
          if (!res.ok) throw new Error(`Vault answered ${res.status} writing secret/${path}`);
        },
        close: () => undefined,
      };
    }
  }
}

function kindOf(value: string | undefined): KeySourceKind {
  const kind = value ?? 'file';
  if (kind === 'file' || kind === 'env' || kind === 'vault') return kind;
  throw new ExampleSetupError(`KEY_SOURCE must be file, env or vault (got ${kind}).`);
}

export async function main(
  env: ExampleEnv,
  log: Log = console.log,
  options: SecretStoreRotationOptions = {},
): Promise<SecretStoreRotationResult> {
  const wait = options.sleep ?? sleep;
  const source = kindOf(env.KEY_SOURCE);
  const { admin, baseUrl } = connect(env);
  const gracePeriodSeconds = Number(env.ROTATION_GRACE_SECONDS ?? 3);
  const store = await openStore(source, env);
  const key = await admin.apiKeys.create({ name: `secret store demo (${source})`, scopes: [...SCOPE_BUNDLES.billingBridge] });
  log(`created ${describeKey(key)}; storing its token in the ${source} store`);
  try {
    await store.write(key.token);

    // The integration: one client for the life of the process. The key is cached for 5 minutes
    // (longer than this demo), so the refresh below comes from the 401, not from the TTL.
    const secret = cachedKey(store.read, { ttlMs: 5 * 60_000 });
    const gw = new PaymentGateway({ apiKey: secret.apiKey, fetch: secret.fetch, baseUrl, maxRetries: 0 });
    const calls = async (n: number) => {
      for (let i = 0; i < n; i++) await gw.clients.list({ limit: 1 });
      return n;
    };
    const callsBeforeRotation = await calls(2);
    log(`the client made ${callsBeforeRotation} calls with the key from the ${source} store`);

    const rotated = await admin.apiKeys.rotate(key.id, { gracePeriodSeconds });
    await store.write(rotated.token);
    log(`rotated ${key.id} and stored the new secret ${rotated.prefix}…; the old one works until ${rotated.previousSecretExpiresAt}`);
    const callsInGrace = await calls(2);
    log(`during the grace period the client still uses its cached key: ${callsInGrace} calls succeeded`);

    await wait(gracePeriodSeconds * 1000 + 250);
    const callsAfterGrace = await calls(2);
    const keyIdAfterGrace = (await whoamiKey(gw)).keyId;
    log(
      `after the grace period the gateway answered 401 once; the client re-read the store and re-sent: ${callsAfterGrace} calls succeeded, no restart`,
    );
    return {
      source,
      keyId: key.id,
      oldToken: key.token,
      newToken: rotated.token,
      callsBeforeRotation,
      callsInGrace,
      callsAfterGrace,
      storeReads: secret.reads,
      keyIdAfterGrace,
    };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    store.close();
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);
