import { IDEMPOTENCY_KEY_HEADER, type RouteMetadata } from '@payment-gateway/contract';
import type { AppRoute } from '@ts-rest/core';
import { PaymentGatewayConfigError } from '../errors.js';

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

function randomKey(): string {
  // Node ≥ 18, Bun, Deno and edge runtimes all have Web Crypto's randomUUID.
  return globalThis.crypto.randomUUID();
}

/**
 * The `Idempotency-Key` header of a call, or undefined for routes whose contract metadata is
 * not `idempotent` (SPEC §5). The key is, in order: `options.idempotencyKey`, an
 * `Idempotency-Key` the caller put in the per-call headers, or a new random UUID. It is chosen
 * once per call, so every retry of the call sends the same key.
 * @throws PaymentGatewayConfigError INVALID_OPTION for a key the server would refuse
 */
export function idempotencyHeaderFor(
  route: AppRoute | undefined,
  explicit: string | undefined,
  callHeaders: Record<string, string>,
): Record<string, string> | undefined {
  if ((route?.metadata as RouteMetadata | undefined)?.idempotent !== true) return undefined;
  const fromHeaders = Object.entries(callHeaders).find(([name]) => name.toLowerCase() === IDEMPOTENCY_KEY_HEADER.toLowerCase())?.[1];
  const key = explicit ?? fromHeaders ?? randomKey();
  if (!VALID_KEY.test(key)) {
    throw new PaymentGatewayConfigError('INVALID_OPTION', 'idempotencyKey must be 1-255 visible ASCII characters.');
  }
  // Lower case like the transport's other header records, so it replaces a caller's header instead of doubling it.
  return { [IDEMPOTENCY_KEY_HEADER.toLowerCase()]: key };
}
