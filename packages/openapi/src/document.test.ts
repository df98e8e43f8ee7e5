import {
  ALL_SCOPES,
  API_KEY_TOKEN_REGEX,
  ERROR_CODES,
  ERROR_DETAILS,
  ErrorBody,
  errorCodesByStatus,
  listRoutes,
  SESSION_COOKIES,
  type ErrorCode,
} from '@payment-gateway/contract';
import type { OperationObject, ReferenceObject, ResponseObject } from 'openapi3-ts/oas31';
import { describe, expect, it } from 'vitest';
import { openApiDocument as doc } from './index.js';
import { operationIdFor, toOpenApiPath } from './operations.js';
import { errorSchemaName } from './responses.js';
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

  it('turns :params into {params}, relative to the /api/v1 server', () => {
    expect(toOpenApiPath('/api/v1/organizations/:orgId/api-keys/:keyId/rotate')).toBe('/organizations/{orgId}/api-keys/{keyId}/rotate');
    expect(toOpenApiPath('/health')).toBe('/health');
  });

  it('has exactly one operation per contract route and unique operation ids', () => {
    const ops = Object.values(doc.paths ?? {}).flatMap((item) =>
      Object.entries(item as Record<string, Operation>)
        .filter(([key]) => key !== 'servers')
        .map(([, op]) => op),
    );
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

  it('names the schemes of its credentials in security, with no scopes on them (public: none)', () => {
    const expected = [...new Set(metadata.auth.credentials.map((kind) => SCHEME_OF[kind]))];
    if (metadata.cookies.reads?.some((r) => r.cookie === 'refresh' && r.required)) expected.push('refreshCookie');
    expect(op!.security!.flatMap((req) => Object.keys(req)).sort()).toEqual(expected.sort());
    if (expected.length === 0) expect(op!.security).toEqual([]);
    for (const requirement of op!.security!) {
      for (const [scheme, scopes] of Object.entries(requirement)) {
        expect(doc.components!.securitySchemes).toHaveProperty(scheme);
        // OpenAPI defines scope lists for OAuth2/OIDC only; the scope is in x-required-scope.
        expect(scopes).toEqual([]);
      }
    }
  });

  it('documents every success response, and per error status exactly the codes the route can answer', () => {
    const codes = errorCodesByStatus({ name, route, metadata });
    const successes = Object.entries(route.responses)
      .filter(([, body]) => body !== ErrorBody)
      .map(([status]) => status);
    expect(Object.keys(op!.responses ?? {}).sort()).toEqual([...successes, ...[...codes.keys()].map(String)].sort());
    for (const [status, raw] of Object.entries(op!.responses as Record<string, ResponseObject | ReferenceObject>)) {
      const response = resolveResponse(raw);
      expect(response.headers, status).toHaveProperty('X-Request-ID');
      const expected = codes.get(Number(status));
      if (!expected) continue;
      const schema = response.content?.['application/json']?.schema as {
        $ref?: string;
        oneOf?: Array<{ $ref: string }>;
        discriminator?: { propertyName: string };
      };
      const refs = schema.oneOf ? schema.oneOf.map((s) => s.$ref) : [schema.$ref];
      expect(refs).toEqual(expected.map((code) => `#/components/schemas/${errorSchemaName(code)}`));
      if (schema.oneOf) expect(schema.discriminator?.propertyName).toBe('code');
      for (const code of expected) expect(response.description).toContain(code);
    }
  });

  it('declares the session cookies it reads as cookie parameters', () => {
    const cookies = (op!.parameters ?? []).filter((p) => 'in' in p && p.in === 'cookie');
    expect(cookies.map((p) => ('name' in p ? [p.name, p.required] : []))).toEqual(
      (metadata.cookies.reads ?? []).map((r) => [SESSION_COOKIES[r.cookie].name, r.required]),
    );
  });

  it('declares its path parameters', () => {
    const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const declared = (op!.parameters ?? []).filter((p) => 'in' in p && p.in === 'path').map((p) => ('name' in p ? p.name : ''));
    expect(declared.sort()).toEqual(params.sort());
  });
});

describe('document-level', () => {
  it('is OpenAPI 3.1 with info, and servers that name the /api/v1 base URL', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
    expect(doc.servers?.map((s) => s.url)).toEqual(['/api/v1']);
    // The health probe lives at the gateway's root, outside the API's base URL.
    expect((doc.paths!['/health'] as { servers?: Array<{ url: string }> }).servers?.map((s) => s.url)).toEqual(['/']);
    expect(Object.keys(doc.paths!).filter((p) => p.startsWith('/api/v1'))).toEqual([]);
  });

  it('lists 404 only where the path has parameters or the body names another resource', () => {
    const with404 = Object.entries(doc.paths!).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>)
        .filter(([method, op]) => method !== 'servers' && op.responses?.['404'])
        .map(([method, op]) => ({ path, method, body: JSON.stringify(op.requestBody ?? {}) })),
    );
    for (const { path, method, body } of with404) {
      expect(
        path.includes('{') ||
          body.includes('CreateInvoiceBody') ||
          body.includes('CreateRecurringScheduleBody') ||
          body.includes('CreateManualTransactionBody'),
        `${method} ${path}`,
      ).toBe(true);
    }
    expect(doc.paths!['/clients']!.get!.responses!['404']).toBeUndefined();
    expect(doc.paths!['/system/api-keys']!.get!.responses!['404']).toBeUndefined();
    expect(doc.paths!['/invoices']!.post!.responses!['404']).toBeDefined();
  });

  it('documents the refresh cookie: set by login and refresh, required by refresh, expired by logout', () => {
    const name = SESSION_COOKIES.refresh.name;
    const login = doc.paths!['/auth/login']!.post!;
    const refresh = doc.paths!['/auth/refresh-token']!.post!;
    const logout = doc.paths!['/auth/logout']!.post!;
    expect((login.responses!['200'] as ResponseObject).headers).toHaveProperty('Set-Cookie');
    expect((refresh.responses!['200'] as ResponseObject).headers).toHaveProperty('Set-Cookie');
    expect((refresh.responses!['401'] as ResponseObject).headers).toHaveProperty('Set-Cookie');
    expect((logout.responses!['204'] as ResponseObject).headers).toHaveProperty('Set-Cookie');
    expect(refresh.parameters).toContainEqual(expect.objectContaining({ name, in: 'cookie', required: true }));
    expect(refresh.security).toEqual([{ refreshCookie: [] }]);
    expect(doc.components!.securitySchemes!.refreshCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name });
    expect(JSON.stringify(refresh.responses!['401'])).toContain('REFRESH_TOKEN_INVALID');
    expect(JSON.stringify(refresh.responses!['403'] ?? {})).not.toContain('INSUFFICIENT_SCOPE');
  });

  it('documents the selectedOrganization cookie on session routes whose organization comes from the context', () => {
    const mint = doc.paths!['/organizations/settings/portal/magic-links']!.post!;
    expect(mint.parameters).toContainEqual(expect.objectContaining({ name: 'selectedOrganization', in: 'cookie', required: false }));
    expect(JSON.stringify(doc.paths!['/organizations/{orgId}/api-keys']!.get!.parameters)).not.toContain('selectedOrganization');
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

  it('has one error schema per code an operation can answer, with that code and its typed details', () => {
    const schemas = doc.components!.schemas! as Record<
      string,
      { properties: Record<string, { const?: string; $ref?: string; properties?: Record<string, unknown> }>; required: string[] }
    >;
    const errorSchemas = Object.entries(schemas).filter(([, s]) => s.properties?.code?.const);
    expect(errorSchemas.length).toBeGreaterThan(20);
    for (const [name, schema] of errorSchemas) {
      const code = schema.properties.code!.const as ErrorCode;
      expect(errorSchemaName(code)).toBe(name);
      expect(ERROR_CODES[code]).toBeDefined();
      expect(schema.required).toEqual(['error', 'code', 'requestId']);
      const details = (ERROR_DETAILS as Partial<Record<ErrorCode, { shape: Record<string, unknown> }>>)[code];
      if (details) expect(Object.keys(schema.properties.details!.properties!)).toEqual(Object.keys(details.shape));
      else expect(schema.properties.details).toBeUndefined();
    }
    expect(schemas.InsufficientScopeError!.properties.details!.properties).toHaveProperty('requiredScope');
    expect(schemas.RateLimitedError!.properties.details!.properties).toHaveProperty('retryAfterSeconds');
    expect(schemas.UnknownScopeError!.properties.details!.properties).toHaveProperty('validScopes');
    expect(schemas.ValidationFailedError!.properties.details!.properties).toHaveProperty('issues');
    // Never answered by a documented operation.
    expect(schemas.RouteNotFoundError).toBeUndefined();
  });

  it('documents every tag it uses', () => {
    const used = new Set(routes.map((r) => r.metadata.tag));
    expect(new Set((doc.tags ?? []).map((t) => t.name))).toEqual(used);
    for (const tag of doc.tags ?? []) expect(tag.description).toMatch(/\S/);
  });
});
