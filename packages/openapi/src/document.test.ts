import { ALL_SCOPES, API_KEY_TOKEN_REGEX, ERROR_CODE_LIST, errorCodesForStatus, listRoutes } from '@payment-gateway/contract';
import type { OperationObject, ReferenceObject, ResponseObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { openApiDocument as doc } from './index.js';
import { operationIdFor, toOpenApiPath } from './operations.js';
import { SCHEME_OF } from './security.js';

type Operation = OperationObject & { 'x-required-scope'?: string | null; 'x-accepted-credentials'?: string[] };
const routes = listRoutes();
const operationOf = (method: string, path: string) =>
  (doc.paths?.[toOpenApiPath(path)] as Record<string, Operation> | undefined)?.[method.toLowerCase()];
const resolveResponse = (response: ResponseObject | ReferenceObject): ResponseObject =>
  '$ref' in response ? (doc.components!.responses![response.$ref.split('/').pop()!] as ResponseObject) : response;

describe('operation ids and paths', () => {
  it.each([
    ['api.orgApiKeys.create', 'orgApiKeysCreate'],
    ['api.portalLinks.createMagicLink', 'portalLinksCreateMagicLink'],
    ['health.health', 'health'],
  ])('%s → %s', (name, id) => {
    expect(operationIdFor(name)).toBe(id);
  });

  it('turns :params into {params}', () => {
    expect(toOpenApiPath('/api/v1/organizations/:orgId/api-keys/:keyId/rotate')).toBe('/api/v1/organizations/{orgId}/api-keys/{keyId}/rotate');
  });

  it('has exactly one operation per contract route and unique operation ids', () => {
    const ops = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item as Record<string, Operation>));
    expect(ops).toHaveLength(routes.length);
    const ids = ops.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(doc.paths ?? {}).some((p) => p.includes(':'))).toBe(false);
  });
});

describe.each(routes.map((r) => [r.name, r] as const))('%s', (name, { route, metadata }) => {
  const op = operationOf(route.method, route.path);

  it('appears with its operationId, tag, summary and scope', () => {
    expect(op, `${route.method} ${route.path}`).toBeDefined();
    expect(op!.operationId).toBe(operationIdFor(name));
    expect(op!.tags).toEqual([metadata.tag]);
    expect(op!.summary).toBe(route.summary);
    expect(op!['x-required-scope']).toBe(metadata.auth.scope);
    expect(op!['x-accepted-credentials']).toEqual(metadata.auth.credentials);
    if (metadata.auth.scope) expect(op!.description).toContain(`\`${metadata.auth.scope}\``);
  });

  it('names the bearer schemes of its credentials in security (public: none)', () => {
    const expected = [...new Set(metadata.auth.credentials.map((kind) => SCHEME_OF[kind]))].sort();
    expect(op!.security!.flatMap((req) => Object.keys(req)).sort()).toEqual(expected);
    if (metadata.auth.credentials.length === 0) expect(op!.security).toEqual([]);
    for (const requirement of op!.security!) {
      for (const [scheme, scopes] of Object.entries(requirement)) {
        expect(doc.components!.securitySchemes).toHaveProperty(scheme);
        expect(scopes).toEqual(metadata.auth.scope && scheme !== 'portalSession' ? [metadata.auth.scope] : []);
      }
    }
  });

  it('documents every response, errors with the shared Error schema, all with X-Request-ID', () => {
    expect(Object.keys(op!.responses ?? {}).sort()).toEqual(Object.keys(route.responses).sort());
    for (const [status, raw] of Object.entries(op!.responses as Record<string, ResponseObject | ReferenceObject>)) {
      const response = resolveResponse(raw);
      expect(response.headers, status).toHaveProperty('X-Request-ID');
      if (Number(status) >= 400 && !(name === 'api.system.health' && status === '503')) {
        expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
        for (const code of errorCodesForStatus(Number(status))) expect(response.description).toContain(code);
      }
    }
  });

  it('declares its path parameters', () => {
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const declared = (op!.parameters ?? []).filter((p) => 'in' in p && p.in === 'path').map((p) => ('name' in p ? p.name : ''));
    expect(declared.sort()).toEqual(params.sort());
  });
});

describe('document-level', () => {
  it('is OpenAPI 3.1 with info and servers', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it('lists the whole scope catalogue with descriptions and tiers', () => {
    const scopes = doc['x-scopes'] as Record<string, { description: string; tier: string }>;
    expect(Object.keys(scopes)).toEqual([...ALL_SCOPES]);
    expect(scopes['system:update']!.tier).toBe('system');
    expect(scopes['organization:*']!.tier).toBe('system');
    expect(scopes['invoice:execute']!.tier).toBe('organization');
    for (const entry of Object.values(scopes)) expect(entry.description).toMatch(/\S/);
  });

  it('describes the API key format with the contract regex', () => {
    const apiKey = doc.components!.securitySchemes!.apiKey as { scheme: string; description: string };
    expect(apiKey.scheme).toBe('bearer');
    expect(apiKey.description).toContain(API_KEY_TOKEN_REGEX.source);
  });

  it('has one Error schema whose code enum is every error code', () => {
    const error = doc.components!.schemas!.Error as { properties: { code: { enum: string[] } }; required: string[] };
    expect(error.properties.code.enum).toEqual(ERROR_CODE_LIST);
    expect(error.required).toEqual(['error', 'code', 'requestId']);
  });

  it('documents every tag it uses', () => {
    const used = new Set(routes.map((r) => r.metadata.tag));
    expect(new Set((doc.tags ?? []).map((t) => t.name))).toEqual(used);
    for (const tag of doc.tags ?? []) expect(tag.description).toMatch(/\S/);
  });
});
