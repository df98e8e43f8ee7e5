import {
  API_PREFIX,
  ErrorBody,
  IDEMPOTENCY_KEY_HEADER,
  IdempotencyKey,
  KEY_ROTATION_DUE_HEADER,
  OrganizationId,
  SESSION_COOKIES,
  type ContractRoute,
  type ErrorCode,
} from '@payment-gateway/contract';
import type { OperationObject, ParameterObject, ResponseObject, ResponsesObject } from 'openapi3-ts/oas31';
import type { ZodTypeAny } from 'zod';
import { errorResponsesFor, headerRef, statusText, successCookieHeader } from './responses.js';
import type { SchemaConverter } from './schemas.js';
import { describeAuth, securityFor } from './security.js';

/** `api.orgApiKeys.create` → `orgApiKeysCreate`; `health.health` → `health`. */
export function operationIdFor(routeName: string): string {
  const parts = routeName.split('.').filter((part, i, all) => !(i === 0 && part === 'api' && all.length > 1));
  const deduped = parts.filter((part, i) => part !== parts[i - 1]);
  return deduped.map((part, i) => (i === 0 ? part : part[0]!.toUpperCase() + part.slice(1))).join('');
}

/**
 * ts-rest `/api/v1/a/:id` → OpenAPI `/a/{id}`: API paths are relative to the `/api/v1` server
 * URL; other paths (the `/health` probe) keep their full path and get their own `servers`.
 */
export const toOpenApiPath = (path: string): string =>
  (isApiPath(path) ? path.slice(API_PREFIX.length) : path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** True for the Admin API and portal routes under `/api/v1`. */
export const isApiPath = (path: string): boolean => path.startsWith(`${API_PREFIX}/`);

const isZod = (value: unknown): value is ZodTypeAny =>
  typeof value === 'object' && value !== null && '_def' in value && 'safeParse' in value;

/** A ts-rest `c.otherResponse({ contentType, body })`: a success body in another media type than JSON (CSV). */
const isOtherResponse = (value: unknown): value is { contentType: string; body: ZodTypeAny } =>
  typeof value === 'object' && value !== null && 'contentType' in value && 'body' in value && isZod((value as { body: unknown }).body);

/** Strips root-level `.optional()` / `.default()`; says whether the value may be left out. */
function unwrapOptional(schema: ZodTypeAny): { inner: ZodTypeAny; optional: boolean; defaultValue?: unknown } {
  let inner = schema;
  let optional = false;
  let defaultValue: unknown;
  for (;;) {
    const def = inner._def as { typeName?: string; innerType?: ZodTypeAny; defaultValue?: () => unknown };
    if (def.typeName === 'ZodOptional' && def.innerType) {
      optional = true;
      inner = def.innerType;
    } else if (def.typeName === 'ZodDefault' && def.innerType && def.defaultValue) {
      optional = true;
      defaultValue = def.defaultValue();
      inner = def.innerType;
    } else {
      return defaultValue === undefined ? { inner, optional } : { inner, optional, defaultValue };
    }
  }
}

function parametersOf(schema: unknown, location: 'path' | 'query', convert: SchemaConverter): ParameterObject[] {
  if (!isZod(schema)) return [];
  const shape = (schema as unknown as { shape?: Record<string, ZodTypeAny> }).shape;
  if (!shape) throw new Error(`${location} parameters must be a z.object()`);
  return Object.entries(shape).map(([name, field]) => {
    const { inner, optional, defaultValue } = unwrapOptional(field);
    const converted = convert.toSchema(inner);
    const description = field.description ?? converted.description;
    delete converted.description;
    return {
      name,
      in: location,
      required: location === 'path' || !optional,
      ...(description ? { description } : {}),
      schema: defaultValue === undefined ? converted : { ...converted, default: defaultValue },
    };
  });
}

/** Routes an API key may call answer with the key's rotation-due header (issue 17). */
const acceptsApiKey = (route: ContractRoute): boolean =>
  route.metadata.auth.credentials.some((k) => k === 'organizationKey' || k === 'systemKey');

function responsesOf(route: ContractRoute, convert: SchemaConverter, usedCodes: Set<ErrorCode>): ResponsesObject {
  const out: ResponsesObject = {};
  let first = true;
  for (const [key, body] of Object.entries(route.route.responses)) {
    const status = Number(key);
    if (body === ErrorBody) continue;
    const response: ResponseObject = {
      description: status === 503 ? 'Service Unavailable: the instance is degraded; the body says which part.' : statusText(status),
      headers: {
        'X-Request-ID': headerRef('X-Request-ID'),
        ...(first && status < 300 ? successCookieHeader(route) : {}),
        ...(status < 300 && acceptsApiKey(route) ? { [KEY_ROTATION_DUE_HEADER]: headerRef(KEY_ROTATION_DUE_HEADER) } : {}),
      },
    };
    if (isZod(body)) response.content = { 'application/json': { schema: convert.toSchema(body) } };
    else if (isOtherResponse(body)) response.content = { [body.contentType]: { schema: convert.toSchema(body.body) } };
    if (first && status < 300 && route.metadata.successContent) {
      for (const [type, schema] of Object.entries(route.metadata.successContent)) {
        response.content = { ...response.content, [type]: { schema: convert.toSchema(schema) } };
      }
    }
    first = false;
    out[key] = response;
  }
  Object.assign(out, errorResponsesFor(route, usedCodes));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => Number(a) - Number(b)));
}

/** `in: cookie` parameters for the session cookies the route reads (SPEC §3, §4.4). */
function cookieParametersOf(route: ContractRoute, convert: SchemaConverter): ParameterObject[] {
  return (route.metadata.cookies?.reads ?? []).map(({ cookie, required }) => ({
    name: SESSION_COOKIES[cookie].name,
    in: 'cookie',
    required,
    description: SESSION_COOKIES[cookie].description,
    schema: cookie === 'selectedOrganization' ? withoutDescription(convert.toSchema(OrganizationId)) : { type: 'string' },
  }));
}

/** The optional `Idempotency-Key` header of routes whose metadata says `idempotent` (SPEC §5). */
function idempotencyParametersOf(route: ContractRoute, convert: SchemaConverter): ParameterObject[] {
  if (route.metadata.idempotent !== true) return [];
  return [
    {
      name: IDEMPOTENCY_KEY_HEADER,
      in: 'header',
      required: false,
      description:
        'Makes retries safe for 24 hours, per organization: the same key with the same request answers the first response again (with `Idempotent-Replayed: true`); with another request 422 IDEMPOTENCY_KEY_REUSED; while the first is still running 409 IDEMPOTENCY_KEY_IN_PROGRESS. The SDK sends one automatically.',
      schema: withoutDescription(convert.toSchema(IdempotencyKey)),
    },
  ];
}

function withoutDescription<T extends { description?: string }>(schema: T): T {
  const { description: _dropped, ...rest } = schema;
  return rest as T;
}

/** One OpenAPI operation for one contract route. */
export function operationFor(route: ContractRoute, convert: SchemaConverter, usedCodes: Set<ErrorCode> = new Set()): OperationObject {
  const { route: r, metadata } = route;
  const { auth } = metadata;
  const parameters = [
    ...parametersOf(r.pathParams, 'path', convert),
    ...parametersOf('query' in r ? r.query : undefined, 'query', convert),
    ...cookieParametersOf(route, convert),
    ...idempotencyParametersOf(route, convert),
  ];
  const operation: OperationObject = {
    operationId: operationIdFor(route.name),
    tags: [metadata.tag],
    summary: r.summary ?? route.name,
    description: [r.description, describeAuth(auth, r.path.includes(':orgId'))].filter(Boolean).join('\n\n'),
    security: securityFor(auth, metadata.cookies),
    'x-required-scope': auth.scope,
    'x-accepted-credentials': [...auth.credentials],
    ...(parameters.length > 0 ? { parameters } : {}),
  };
  const body = 'body' in r ? r.body : undefined;
  if (isZod(body)) {
    const { inner, optional } = unwrapOptional(body);
    operation.requestBody = {
      required: !optional,
      content: { 'application/json': { schema: convert.toSchema(inner) } },
    };
  }
  operation.responses = responsesOf(route, convert, usedCodes);
  return operation;
}
