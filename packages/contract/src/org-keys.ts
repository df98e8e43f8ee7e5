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
import { authErrorResponses, c, ErrorBody, KeyId, meta, OrganizationId, pageOf, API_PREFIX, bodyErrorResponses } from './common.js';

const ORG_KEY_MANAGERS = ['organizationKey', 'systemKey', 'session'] as const;
const tag = 'Organization API keys';
const orgParams = z.object({ orgId: OrganizationId });
const keyParams = z.object({ orgId: OrganizationId, keyId: KeyId });
const errors = { ...authErrorResponses, 404: ErrorBody };

/** SPEC §4.1: organization API keys. System keys may manage any organization's keys (§3). */
export const orgKeysContract = c.router({
  list: {
    method: 'GET',
    path: '/organizations/:orgId/api-keys',
    pathParams: orgParams,
    query: ListApiKeysQuery,
    responses: { 200: pageOf(ApiKey), ...errors },
    summary: "List an organization's API keys",
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:read', organization: 'path' }),
  },
  create: {
    method: 'POST',
    path: '/organizations/:orgId/api-keys',
    pathParams: orgParams,
    body: CreateApiKeyBody,
    responses: { 201: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Create an organization API key (the token is shown once)',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:create', organization: 'path' }),
  },
  get: {
    method: 'GET',
    path: '/organizations/:orgId/api-keys/:keyId',
    pathParams: keyParams,
    responses: { 200: ApiKey, ...errors },
    summary: 'Get an organization API key',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:read', organization: 'path' }),
  },
  update: {
    method: 'PUT',
    path: '/organizations/:orgId/api-keys/:keyId',
    pathParams: keyParams,
    body: UpdateApiKeyBody,
    responses: { 200: ApiKey, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Update name, description, scopes, IP allowlist or expiry',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:update', organization: 'path' }),
  },
  delete: {
    method: 'DELETE',
    path: '/organizations/:orgId/api-keys/:keyId',
    pathParams: keyParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...errors },
    summary: 'Delete an organization API key permanently',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:delete', organization: 'path' }),
  },
  revoke: {
    method: 'POST',
    path: '/organizations/:orgId/api-keys/:keyId/revoke',
    pathParams: keyParams,
    body: RevokeApiKeyBody,
    responses: { 200: ApiKey, ...errors, ...bodyErrorResponses },
    summary: 'Revoke an organization API key (irreversible; revoking again is a no-op)',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:execute', organization: 'path' }),
  },
  rotate: {
    method: 'POST',
    path: '/organizations/:orgId/api-keys/:keyId/rotate',
    pathParams: keyParams,
    body: RotateApiKeyBody,
    responses: { 200: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Rotate the secret of an organization API key, keeping the old one for a grace period',
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:execute', organization: 'path' }),
  },
  usage: {
    method: 'GET',
    path: '/organizations/:orgId/api-keys/:keyId/usage',
    pathParams: keyParams,
    responses: { 200: ApiKeyUsage, ...errors },
    summary: "An organization API key's requests per hour over the last 7 days, accepted and refused",
    metadata: meta(tag, { credentials: ORG_KEY_MANAGERS, scope: 'api_key:read', organization: 'path' }),
  },
}, { pathPrefix: API_PREFIX });
