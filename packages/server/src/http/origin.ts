import type { Request } from 'express';
import type { RequestOrigin } from '../audit/audit-log.js';
import { authOf } from '../auth/middleware.js';
import type { Grantor } from '../keys/key-service.js';

/** Who made this request, for audit events. */
export function originOf(req: Request): RequestOrigin {
  const auth = authOf(req);
  return { actor: auth.actor, requestId: req.requestId, ip: auth.ip };
}

/** The caller as a grantor of scopes (no-escalation checks). */
export function grantorOf(req: Request): Grantor {
  return { scopes: authOf(req).scopes, origin: originOf(req) };
}
