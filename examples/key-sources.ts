// Where an integration's API key comes from, and how a running client follows a rotation without
// a restart. Copy what you need: each reader is a few lines over the platform's own APIs.
//
//   const source = cachedKey(keyFromVault({ address, token, path: 'payment-gateway/billing-bridge' }));
//   const gw = new PaymentGateway({ apiKey: source.apiKey, fetch: source.fetch, baseUrl });
//
// The SDK calls `apiKey` before every request, so the function must be cheap: `cachedKey` keeps
// the key for `ttlMs` and re-reads it early when the gateway answers 401 (the old secret's grace
// period ended before the cache did), then re-sends that request once with the new key.
import { readFile } from 'node:fs/promises';
import type { Fetch } from '@payment-gateway/sdk';
import type { ExampleEnv } from './shared.js';

/** Reads the current key from wherever it is kept. */
export type KeyReader = () => Promise<string>;

/** One trailing newline (LF or CRLF) is not part of a secret: editors, `echo` and Kubernetes add it. */
function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/**
 * The key from a file: a mounted Docker/Kubernetes secret (`/run/secrets/…`), or a file a sidecar
 * (Vault Agent, External Secrets, a CSI driver) rewrites on rotation. Read again on every refresh.
 */
export function keyFromFile(path: string): KeyReader {
  return async () => stripOneNewline(await readFile(path, 'utf8'));
}

/**
 * The key from the environment: `<name>`, or the file named by `<name>_FILE` (the convention the
 * gateway server uses for its own secrets). The variable is read on every refresh, so a process
 * that reloads its environment (or a `_FILE` rewritten by a sidecar) picks up a new key; a plain
 * environment variable of a container changes only with a restart.
 */
export function keyFromEnv(env: ExampleEnv, name: string): KeyReader {
  return async () => {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (direct && file) throw new Error(`Set ${name} or ${name}_FILE, not both.`);
    if (file) return keyFromFile(file)();
    if (!direct) throw new Error(`Set ${name} (the API key) or ${name}_FILE (a file holding it).`);
    return direct;
  };
}

export interface VaultKeyOptions {
  /** Vault's address, e.g. `https://vault.internal:8200` (`VAULT_ADDR`). */
  address: string;
  /** A Vault token allowed to read the path (`VAULT_TOKEN`; from Vault Agent or your platform's auth method). */
  token: string;
  /** The secret's path inside the KV v2 mount, e.g. `payment-gateway/billing-bridge`. */
  path: string;
  /** @default 'secret' (the KV v2 mount) */
  mount?: string;
  /** The field of the secret holding the key. @default 'apiKey' */
  field?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** What Vault's KV v2 answers to `GET /v1/<mount>/data/<path>`. */
interface VaultKvReadResponse {
  data?: { data?: Record<string, unknown>; metadata?: { version?: number } };
  errors?: string[];
}

/**
 * The key from HashiCorp Vault's KV version 2 secrets engine over its HTTP API:
 * `GET /v1/<mount>/data/<path>` with the `X-Vault-Token` header, the key in `data.data.<field>`.
 * Rotation writes a new version (`vault kv put secret/payment-gateway/billing-bridge apiKey=sk_…`);
 * the next read returns it. Errors name the path and the status, never the token or the key.
 */
export function keyFromVault(options: VaultKeyOptions): KeyReader {
  const { address, token, path, mount = 'secret', field = 'apiKey' } = options;
  const doFetch = options.fetch ?? fetch;
  const url = `${address.replace(/\/+$/, '')}/v1/${mount}/data/${path.split('/').map(encodeURIComponent).join('/')}`;
  return async () => {
    const response = await doFetch(url, { headers: { 'X-Vault-Token': token, accept: 'application/json' } });
    const body = (await response.json().catch(() => ({}))) as VaultKvReadResponse;
    if (!response.ok)
      throw new Error(
        `Vault answered ${response.status} reading ${mount}/${path}${body.errors?.length ? `: ${body.errors.join('; ')}` : ''}`,
      );
    const key = body.data?.data?.[field];
    if (typeof key !== 'string') throw new Error(`Vault secret ${mount}/${path} has no string field "${field}"`);
    return key;
  };
}

export interface CachedKeyOptions {
  /**
   * How long a read key is used before it is read again (ms). Keep it well below the rotation
   * grace period (a day by default), so every instance has the new key before the old one dies.
   * @default 300000 (5 minutes)
   */
  ttlMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** The fetch requests go out with. @default globalThis.fetch */
  fetch?: Fetch;
}

export interface CachedKey {
  /** Pass as the SDK's `apiKey`: the cached key, re-read once it is older than `ttlMs`. */
  apiKey: () => Promise<string>;
  /**
   * Pass as the SDK's `fetch`: on a 401 it re-reads the key and, when the key changed, sends the
   * request once more with it. Safe for every method: a 401 means the gateway did nothing.
   */
  fetch: Fetch;
  /** Reads the key now, whatever the cache holds. */
  refresh(): Promise<string>;
  /** How many times the key was read from its source (for the example's output). */
  readonly reads: number;
}

/** Wraps a reader with a TTL cache and refresh-on-401; concurrent requests share one read. */
export function cachedKey(read: KeyReader, options: CachedKeyOptions = {}): CachedKey {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const send: Fetch = options.fetch ?? ((request, init) => fetch(request, init));
  let current: { key: string; readAt: number } | null = null;
  let pending: Promise<string> | null = null;
  let reads = 0;

  const refresh = (): Promise<string> => {
    pending ??= read()
      .then((key) => {
        reads++;
        current = { key, readAt: now() };
        return key;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  const apiKey = async (): Promise<string> => (current && now() - current.readAt < ttlMs ? current.key : refresh());

  const fetchWithRefresh: Fetch = async (request, init) => {
    const again = request.clone(); // keeps a copy of the body for the second attempt
    const response = await send(request, init);
    if (response.status !== 401) return response;
    const fresh = `Bearer ${await refresh()}`;
    if (fresh === request.headers.get('authorization')) return response; // not a rotation: a real 401
    await response.body?.cancel();
    const headers = new Headers(again.headers);
    headers.set('authorization', fresh);
    return send(new Request(again, { headers }), init);
  };

  return {
    apiKey,
    fetch: fetchWithRefresh,
    refresh,
    get reads() {
      return reads;
    },
  };
}
