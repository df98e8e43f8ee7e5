import { AppError } from '../errors/app-error.js';

// RFC 6750 b64token characters; anything else is not a bearer credential at all. The scheme
// name is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Reads `Authorization: Bearer <credential>`. Missing → null (the caller answers 401);
 * present but not a bearer credential → 400 MALFORMED_AUTHORIZATION.
 */
export function readBearer(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const m = BEARER.exec(header);
  if (!m) throw new AppError('MALFORMED_AUTHORIZATION');
  return m[1]!;
}

/**
 * Refuses a request that carries more than one Authorization header line (raw headers as Node
 * gives them, names and values alternating). Node keeps the first and drops the others while a
 * proxy in front may act on another one: an ambiguous credential is not a bearer credential.
 * @throws AppError MALFORMED_AUTHORIZATION (400)
 */
export function assertSingleAuthorization(rawHeaders: readonly string[]): void {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization' && ++seen > 1) throw new AppError('MALFORMED_AUTHORIZATION');
  }
}
