import { ERROR_CODES, errorCodesForStatus } from '@payment-gateway/contract';
import type { HeaderObject, ReferenceObject, ResponseObject } from 'openapi3-ts/oas31';
import { schemaRef } from './schemas.js';

/** Component names of the shared error responses, by status. */
export const ERROR_RESPONSE_NAMES: Readonly<Record<number, string>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

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
export const errorResponseRef = (status: number): ReferenceObject => {
  const name = ERROR_RESPONSE_NAMES[status];
  if (!name) throw new Error(`No shared error response for HTTP ${status}: add it to ERROR_RESPONSE_NAMES`);
  return { $ref: `#/components/responses/${name}` };
};

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
};

/**
 * The shared error responses for the given statuses: one `Error` body, the codes each status may
 * carry listed in prose.
 */
export function errorResponses(statuses: Iterable<number>): Record<string, ResponseObject> {
  const out: Record<string, ResponseObject> = {};
  for (const status of [...new Set(statuses)].sort()) {
    const name = errorResponseRef(status).$ref.split('/').pop()!;
    const codes = errorCodesForStatus(status);
    const list = codes.map((code) => `- \`${code}\`: ${ERROR_CODES[code].message}`).join('\n');
    out[name] = {
      description: `${statusText(status)}. The body's \`code\` is one of:\n\n${list}`,
      headers: {
        'X-Request-ID': headerRef('X-Request-ID'),
        ...(status === 429 || status === 503 ? { 'Retry-After': headerRef('Retry-After') } : {}),
      },
      content: { 'application/json': { schema: schemaRef('Error') } },
    };
  }
  return out;
}
