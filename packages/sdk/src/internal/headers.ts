import { PaymentGatewayConfigError } from '../errors.js';

/** Header shapes accepted in options: a plain record, a `Headers` object or entry pairs. */
export type HeadersLike = Record<string, string | undefined> | Headers | Array<[string, string]>;

export const ORGANIZATION_HEADER = 'x-organization-id';

/** Entries of any header shape, read the way fetch and ts-rest will read them. */
export function headerEntries(headers: HeadersLike | undefined): Array<[string, string | undefined]> {
  if (!headers) return [];
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return [...headers.entries()];
  if (Array.isArray(headers)) return headers.map(([k, v]) => [String(k), v]);
  return Object.entries(headers);
}

/** Normalises header names; the name is trimmed because fetch trims it too. */
function isHeader(name: string, wanted: string): boolean {
  return name.trim().toLowerCase() === wanted;
}

/**
 * Refuses `X-Organization-ID` (any case) and `Authorization`: the organization always comes
 * from the API key, and the key is only ever set by the SDK.
 */
export function assertNoForbiddenHeaders(headers: HeadersLike | undefined, where: string): void {
  for (const [name] of headerEntries(headers)) {
    if (isHeader(name, ORGANIZATION_HEADER)) {
      throw new PaymentGatewayConfigError(
        'ORGANIZATION_HEADER_NOT_ALLOWED',
        `X-Organization-ID is not allowed in ${where}: the organization always comes from the API key. Remove the header.`,
      );
    }
    if (isHeader(name, 'authorization')) {
      throw new PaymentGatewayConfigError(
        'AUTHORIZATION_HEADER_NOT_ALLOWED',
        `Authorization is not allowed in ${where}: the SDK sets it from the apiKey option.`,
      );
    }
  }
}

/** Plain, lower-cased record of per-call headers (after the check). */
export function toHeaderRecord(headers: HeadersLike | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headerEntries(headers)) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}
