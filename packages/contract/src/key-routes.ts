import { ContractNoBody } from '@ts-rest/core';
import { z } from 'zod';
import {
  ApiKey,
  ApiKeyUsage,
  ApiKeyWithToken,
  CreateApiKeyBody,
  ListApiKeysQuery,
  RevokeApiKeyBody,
  RotateApiKeyBody,
  UpdateApiKeyBody,
} from './api-keys.js';
import { authErrorResponses, bodyErrorResponses, ErrorBody, KeyId, meta, pageOf, type CredentialKind, type RouteAuth } from './common.js';

const errors = { ...authErrorResponses, 404: ErrorBody };

/** What differs between the two key tiers (SPEC §4.1, §4.2); everything else is one definition. */
export interface KeyTier<Base extends string, Params extends z.ZodRawShape> {
  /** Path of the collection, e.g. `/system/api-keys`. */
  base: Base;
  /** Path parameters of the collection (`{ orgId }` or none); `keyId` is added for one key. */
  params: Params;
  tag: string;
  credentials: readonly CredentialKind[];
  organization: RouteAuth['organization'];
  summaries: Record<'list' | 'create' | 'get' | 'update' | 'delete' | 'revoke' | 'rotate' | 'usage', string>;
}

/**
 * The key-management routes of one tier (the seven of SPEC §4.1 and the key's usage per hour). Organization and system keys share every
 * method, body, response and scope; only paths, credentials and the organization rule differ.
 * Pass the result to `c.router` where the tier is concrete, so ts-rest checks paths against
 * path parameters there.
 */
export function keyRoutes<const Base extends string, Params extends z.ZodRawShape>(t: KeyTier<Base, Params>) {
  const auth = (scope: RouteAuth['scope']) => meta(t.tag, { credentials: t.credentials, scope, organization: t.organization });
  const collection = z.object(t.params);
  const key = z.object({ ...t.params, keyId: KeyId });
  const one = `${t.base}/:keyId` as const;
  return {
    list: {
      method: 'GET' as const,
      path: t.base,
      pathParams: collection,
      query: ListApiKeysQuery,
      responses: { 200: pageOf(ApiKey), ...errors },
      summary: t.summaries.list,
      metadata: auth('api_key:read'),
    },
    create: {
      method: 'POST' as const,
      path: t.base,
      pathParams: collection,
      body: CreateApiKeyBody,
      responses: { 201: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: t.summaries.create,
      metadata: auth('api_key:create'),
    },
    get: {
      method: 'GET' as const,
      path: one,
      pathParams: key,
      responses: { 200: ApiKey, ...errors },
      summary: t.summaries.get,
      metadata: auth('api_key:read'),
    },
    update: {
      method: 'PUT' as const,
      path: one,
      pathParams: key,
      body: UpdateApiKeyBody,
      responses: { 200: ApiKey, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: t.summaries.update,
      metadata: auth('api_key:update'),
    },
    delete: {
      method: 'DELETE' as const,
      path: one,
      pathParams: key,
      body: ContractNoBody,
      responses: { 204: ContractNoBody, ...errors },
      summary: t.summaries.delete,
      metadata: auth('api_key:delete'),
    },
    revoke: {
      method: 'POST' as const,
      path: `${one}/revoke`,
      pathParams: key,
      body: RevokeApiKeyBody,
      responses: { 200: ApiKey, ...errors, ...bodyErrorResponses },
      summary: t.summaries.revoke,
      metadata: auth('api_key:execute'),
    },
    rotate: {
      method: 'POST' as const,
      path: `${one}/rotate`,
      pathParams: key,
      body: RotateApiKeyBody,
      responses: { 200: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
      summary: t.summaries.rotate,
      metadata: auth('api_key:execute'),
    },
    usage: {
      method: 'GET' as const,
      path: `${one}/usage`,
      pathParams: key,
      responses: { 200: ApiKeyUsage, ...errors },
      summary: t.summaries.usage,
      metadata: auth('api_key:read'),
    },
  } as const;
}
