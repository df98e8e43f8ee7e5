import type { ApiKey, ApiKeyUsage, ApiKeyWithToken, CreateApiKeyBody } from '@payment-gateway/contract';
import { expectStatus } from './api-error.js';
import type { ApiClient } from './client.js';

/** The key operations a keys page needs, for one organization's keys or for system keys. */
export interface KeyStore {
  tier: 'organization' | 'system';
  list(): Promise<{ items: ApiKey[]; total: number }>;
  get(keyId: string): Promise<ApiKey>;
  /** Requests per hour over the last 7 days, accepted and refused. */
  usage(keyId: string): Promise<ApiKeyUsage>;
  create(body: CreateApiKeyBody): Promise<ApiKeyWithToken>;
  rotate(keyId: string, gracePeriodSeconds: number | undefined): Promise<ApiKeyWithToken>;
  revoke(keyId: string, reason: string | undefined): Promise<ApiKey>;
  remove(keyId: string): Promise<void>;
}

const LIST = { page: 1, limit: 100 } as const;

/** SPEC §4.1: an organization's keys through `/organizations/{orgId}/api-keys`. @throws ApiError */
export function orgKeyStore(client: ApiClient, orgId: string): KeyStore {
  const k = client.orgApiKeys;
  return {
    tier: 'organization',
    list: async () => expectStatus(await k.list({ params: { orgId }, query: LIST }), 200),
    get: async (keyId) => expectStatus(await k.get({ params: { orgId, keyId } }), 200),
    usage: async (keyId) => expectStatus(await k.usage({ params: { orgId, keyId } }), 200),
    create: async (body) => expectStatus(await k.create({ params: { orgId }, body }), 201),
    rotate: async (keyId, grace) =>
      expectStatus(await k.rotate({ params: { orgId, keyId }, body: grace === undefined ? {} : { gracePeriodSeconds: grace } }), 200),
    revoke: async (keyId, reason) => expectStatus(await k.revoke({ params: { orgId, keyId }, body: reason ? { reason } : {} }), 200),
    remove: async (keyId) => {
      expectStatus(await k.delete({ params: { orgId, keyId } }), 204);
    },
  };
}

/** SPEC §4.2: system keys through `/system/api-keys` (global admins only). @throws ApiError */
export function systemKeyStore(client: ApiClient): KeyStore {
  const k = client.systemApiKeys;
  return {
    tier: 'system',
    list: async () => expectStatus(await k.list({ query: LIST }), 200),
    get: async (keyId) => expectStatus(await k.get({ params: { keyId } }), 200),
    usage: async (keyId) => expectStatus(await k.usage({ params: { keyId } }), 200),
    create: async (body) => expectStatus(await k.create({ body }), 201),
    rotate: async (keyId, grace) =>
      expectStatus(await k.rotate({ params: { keyId }, body: grace === undefined ? {} : { gracePeriodSeconds: grace } }), 200),
    revoke: async (keyId, reason) => expectStatus(await k.revoke({ params: { keyId }, body: reason ? { reason } : {} }), 200),
    remove: async (keyId) => {
      expectStatus(await k.delete({ params: { keyId } }), 204);
    },
  };
}
