import type { Whoami } from '@payment-gateway/contract';
import type { AuthContext } from '../../access/principal.js';

/** GET /auth/whoami for API keys; sessions are described by the session module. */
export function whoamiForKey(auth: AuthContext): Whoami | null {
  const p = auth.principal;
  if (p.kind !== 'organizationKey' && p.kind !== 'systemKey') return null;
  return {
    type: 'api_key',
    keyId: p.key.id,
    name: p.key.name,
    tier: p.key.tier,
    organizationId: p.key.organizationId,
    scopes: p.key.scopes,
    expiresAt: p.key.expiresAt,
    rotationDueAt: p.rotation?.dueAt ?? null,
  };
}
