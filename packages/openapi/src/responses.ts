import {
  ERROR_CODES,
  errorCodesByStatus,
  errorDetailsSchema,
  SESSION_COOKIES,
  type ErrorCode,
  type RouteForErrors,
  type SessionCookie,
} from '@payment-gateway/contract';
import type { HeaderObject, ReferenceObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';
import { schemaRef, type SchemaConverter } from './schemas.js';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const statusText = (status: number): string => STATUS_TEXT[status] ?? `HTTP ${status}`;

export const headerRef = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

/** Headers every response carries, plus the ones specific to some statuses. */
export const HEADERS: Readonly<Record<string, HeaderObject>> = {
  'X-Request-ID': {
    description: 'Identifies the request; every response carries it, and error bodies repeat it as `requestId`.',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Payment-Gateway-Key-Rotation-Due': {
    description:
      "Sent on every request an API key authenticates once the key's secret is older than the system's keyPolicy.maxKeyAgeDays: when it fell due for rotation (ISO 8601). With keyPolicy.enforceMaxKeyAge the key is refused with 401 API_KEY_ROTATION_REQUIRED after keyPolicy.rotationGraceDays.",
    schema: { type: 'string', format: 'date-time' },
  },
};

/** `INSUFFICIENT_SCOPE` → `InsufficientScopeError`; `INTERNAL_ERROR` → `InternalError`. */
export function errorSchemaName(code: ErrorCode): string {
  const pascal = code
    .toLowerCase()
    .split('_')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return pascal.endsWith('Error') ? pascal : `${pascal}Error`;
}

/** The error body of one code: `code` is that constant and `details` has that code's shape (SPEC §7.1). */
export function errorSchemaFor(code: ErrorCode, convert: SchemaConverter): SchemaObject {
  const details = errorDetailsSchema(code);
  return {
    title: errorSchemaName(code),
    type: 'object',
    description: `${ERROR_CODES[code].message} (HTTP ${ERROR_CODES[code].status})`,
    properties: {
      error: { type: 'string', description: 'Human-readable message; safe to show, never contains secrets' },
      code: { type: 'string', const: code, description: 'Stable machine-readable code' },
      requestId: { type: 'string', description: 'Echoed in the X-Request-ID header; quote it to support' },
      ...(details ? { details: convert.toSchema(details) } : {}),
    },
    required: ['error', 'code', 'requestId'],
  };
}

/** A `Set-Cookie` response header for the cookies a response sets or expires. */
function setCookieHeader(sets: readonly SessionCookie[], clears: readonly SessionCookie[]): HeaderObject {
  const parts = [
    ...sets.map((c) => `sets \`${SESSION_COOKIES[c].name}\` (${SESSION_COOKIES[c].description})`),
    ...clears.map((c) => `expires \`${SESSION_COOKIES[c].name}\` (\`Max-Age=0\`)`),
  ];
  return { description: `This response ${parts.join('; and ')}.`, schema: { type: 'string' } };
}

/**
 * The error responses of one route, by status: only the codes that route can answer (derived
 * by the contract from ERROR_CODES and the route's metadata), each with its own body schema,
 * joined by a `code` discriminator. `used` collects the codes whose schemas the document needs.
 */
export function errorResponsesFor(route: RouteForErrors, used: Set<ErrorCode>): Record<string, ResponseObject> {
  const out: Record<string, ResponseObject> = {};
  const clears = route.metadata.cookies?.clears ?? [];
  for (const [status, codes] of errorCodesByStatus(route)) {
    for (const code of codes) used.add(code);
    const refs = codes.map((code) => schemaRef(errorSchemaName(code)));
    const schema: SchemaObject | ReferenceObject =
      refs.length === 1
        ? refs[0]!
        : {
            oneOf: refs,
            discriminator: {
              propertyName: 'code',
              mapping: Object.fromEntries(codes.map((code) => [code, schemaRef(errorSchemaName(code)).$ref])),
            },
          };
    const list = codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code].message}`).join('\n');
    // A refresh token refused by refresh is expired in the browser too.
    const expires = status === 401 && clears.length > 0 && (route.metadata.cookies?.reads ?? []).some((r) => clears.includes(r.cookie));
    out[String(status)] = {
      description: `${statusText(status)}. The body's \`code\` is one of:\n\n${list}`,
      headers: {
        'X-Request-ID': headerRef('X-Request-ID'),
        ...(status === 429 || status === 503 ? { 'Retry-After': headerRef('Retry-After') } : {}),
        ...(expires ? { 'Set-Cookie': setCookieHeader([], clears) } : {}),
      },
      content: { 'application/json': { schema } },
    };
  }
  return out;
}

/** The `Set-Cookie` header of a route's success response, if it sets or expires cookies. */
export function successCookieHeader(route: RouteForErrors): Record<string, HeaderObject> {
  const sets = route.metadata.cookies?.sets ?? [];
  // Routes that read a cookie they clear (refresh) expire it only on failure; others (logout) on success.
  const reads = (route.metadata.cookies?.reads ?? []).map((r) => r.cookie);
  const clears = (route.metadata.cookies?.clears ?? []).filter((c) => !reads.includes(c) && !sets.includes(c));
  return sets.length + clears.length > 0 ? { 'Set-Cookie': setCookieHeader(sets, clears) } : {};
}
