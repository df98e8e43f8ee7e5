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
import { authErrorResponses, c, ErrorBody, KeyId, meta, pageOf, API_PREFIX, bodyErrorResponses } from './common.js';

const ADMINS = ['globalAdminSession'] as const;
const tag = 'System API keys';
const keyParams = z.object({ keyId: KeyId });
const errors = { ...authErrorResponses, 404: ErrorBody };

/** SPEC §4.2: system API keys, managed only by global-admin sessions. */
export const systemKeysContract = c.router({
  list: {
    method: 'GET',
    path: '/system/api-keys',
    query: ListApiKeysQuery,
    responses: { 200: pageOf(ApiKey), ...errors },
    summary: 'List system API keys',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:read', organization: 'none' }),
  },
  create: {
    method: 'POST',
    path: '/system/api-keys',
    body: CreateApiKeyBody,
    responses: { 201: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Create a system API key (the token is shown once)',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:create', organization: 'none' }),
  },
  get: {
    method: 'GET',
    path: '/system/api-keys/:keyId',
    pathParams: keyParams,
    responses: { 200: ApiKey, ...errors },
    summary: 'Get a system API key',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:read', organization: 'none' }),
  },
  update: {
    method: 'PUT',
    path: '/system/api-keys/:keyId',
    pathParams: keyParams,
    body: UpdateApiKeyBody,
    responses: { 200: ApiKey, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Update a system API key',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:update', organization: 'none' }),
  },
  delete: {
    method: 'DELETE',
    path: '/system/api-keys/:keyId',
    pathParams: keyParams,
    body: c.noBody(),
    responses: { 204: c.noBody(), ...errors },
    summary: 'Delete a system API key permanently',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:delete', organization: 'none' }),
  },
  revoke: {
    method: 'POST',
    path: '/system/api-keys/:keyId/revoke',
    pathParams: keyParams,
    body: RevokeApiKeyBody,
    responses: { 200: ApiKey, ...errors, ...bodyErrorResponses },
    summary: 'Revoke a system API key',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:execute', organization: 'none' }),
  },
  rotate: {
    method: 'POST',
    path: '/system/api-keys/:keyId/rotate',
    pathParams: keyParams,
    body: RotateApiKeyBody,
    responses: { 200: ApiKeyWithToken, ...errors, 409: ErrorBody, ...bodyErrorResponses },
    summary: 'Rotate the secret of a system API key',
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:execute', organization: 'none' }),
  },
  usage: {
    method: 'GET',
    path: '/system/api-keys/:keyId/usage',
    pathParams: keyParams,
    responses: { 200: ApiKeyUsage, ...errors },
    summary: "A system API key's requests per hour over the last 7 days, accepted and refused",
    metadata: meta(tag, { credentials: ADMINS, scope: 'api_key:read', organization: 'none' }),
  },
}, { pathPrefix: API_PREFIX });
