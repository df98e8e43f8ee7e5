import type { Request } from 'express';
import type { RequestOrigin } from '../audit/audit-log.js';
import { authOf } from '../auth/middleware.js';
import { keyRestrictionsOf, mayGrantGlobalAdmin } from '../access/principal.js';
import type { Grantor } from '../keys/key-service.js';

/** Who made this request, for audit events. */
export function originOf(req: Request): RequestOrigin {
  const auth = authOf(req);
  return { actor: auth.actor, requestId: req.requestId, ip: auth.ip };
}

/** The caller as a grantor of scopes (no-escalation checks). */
export function grantorOf(req: Request): Grantor {
  const auth = authOf(req);
  return { scopes: auth.scopes, origin: originOf(req), restrictions: keyRestrictionsOf(auth.principal) };
}

/** The caller as an administrator of users: may it create global admins (SPEC §2)? */
export function userAdministratorOf(req: Request): { origin: RequestOrigin; mayGrantGlobalAdmin: boolean } {
  return { origin: originOf(req), mayGrantGlobalAdmin: mayGrantGlobalAdmin(authOf(req).principal) };
}
