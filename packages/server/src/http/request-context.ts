import { parse } from 'cookie';
import type { Request } from 'express';
import { keyRestrictionsOf, mayGrantGlobalAdmin, type AuthContext, type Principal } from '../access/principal.js';
import type { RequestOrigin } from '../audit/audit-log.js';
import { AppError } from '../errors/app-error.js';
import type { Grantor } from '../keys/key-service.js';
import type { PortalPrincipal } from '../portal/portal-session-service.js';

/*
 * The one place a route handler (and the auth middleware) reads who is calling and from where:
 * the authenticated context the auth middleware resolved from the route's metadata, the client
 * address, the request id and the cookies. Handlers call these and then a service; none reads
 * req.auth, req.ip or the Cookie header itself.
 */

declare global {
  namespace Express {
    interface Request {
      /** Set by the auth middleware on routes that require a credential. */
      auth?: AuthContext;
    }
  }
}

/**
 * What these helpers read of a request. Narrower than Express's Request, so ts-rest handlers
 * (whose `req.query` is the parsed, typed query) pass their `req` as it is.
 */
export type RequestLike = Pick<Request, 'auth' | 'requestId' | 'ip' | 'socket' | 'headers'>;

/** The cookie a dashboard uses to pick the organization on routes without `:orgId` (SPEC §3). */
export const SELECTED_ORGANIZATION_COOKIE = 'selectedOrganization';

/** The client's address: the socket's, or the forwarded one when TRUST_PROXY trusts the proxy (SPEC §7.3). */
export function clientIpOf(req: RequestLike): string {
  // Without a trusted proxy (the default) Express's req.ip is the socket's address, reached only
  // after parsing X-Forwarded-For and walking every hop through the trust function: read it directly.
  const settings = (req as { app?: { settings?: Record<string, unknown> } }).app?.settings;
  if (settings !== undefined && settings['trust proxy'] === false) return req.socket.remoteAddress ?? '';
  return req.ip ?? req.socket.remoteAddress ?? '';
}

const parsedCookies = new WeakMap<RequestLike, Readonly<Record<string, string | undefined>>>();

/** The request's cookies, parsed once per request. */
export function cookiesOf(req: RequestLike): Readonly<Record<string, string | undefined>> {
  let cookies = parsedCookies.get(req);
  if (!cookies) {
    cookies = req.headers.cookie ? parse(req.headers.cookie) : {};
    parsedCookies.set(req, cookies);
  }
  return cookies;
}

/**
 * The authenticated context of a request on a route that requires a credential.
 * @throws AppError INVALID_CREDENTIALS when the route let the request through without one.
 */
export function authOf(req: RequestLike): AuthContext {
  if (!req.auth) throw new AppError('INVALID_CREDENTIALS');
  return req.auth;
}

/**
 * The organization the request acts in, as the auth middleware resolved it from the route's
 * metadata (SPEC §3: the key's organization, `:orgId`, or the selectedOrganization cookie).
 * @throws AppError ORGANIZATION_CONTEXT_REQUIRED on a route or credential without one.
 */
export function organizationOf(req: RequestLike): string {
  const { organizationId } = authOf(req);
  if (!organizationId) throw new AppError('ORGANIZATION_CONTEXT_REQUIRED');
  return organizationId;
}

/** Who made this authenticated request, for audit events. */
export function originOf(req: RequestLike): RequestOrigin {
  const auth = authOf(req);
  return { actor: auth.actor, requestId: req.requestId, ip: auth.ip };
}

/** Where an unauthenticated request (sign-in, refresh, magic-link redemption) came from. */
export function clientOf(req: RequestLike): { ip: string; requestId: string } {
  return { ip: clientIpOf(req), requestId: req.requestId };
}

/** The caller as a grantor of scopes (no-escalation checks). */
export function grantorOf(req: RequestLike): Grantor {
  const auth = authOf(req);
  return { scopes: auth.scopes, origin: originOf(req), restrictions: keyRestrictionsOf(auth.principal) };
}

/** The caller as an administrator of users: may it create global admins (SPEC §2)? */
export function userAdministratorOf(req: RequestLike): { origin: RequestOrigin; mayGrantGlobalAdmin: boolean } {
  return { origin: originOf(req), mayGrantGlobalAdmin: mayGrantGlobalAdmin(authOf(req).principal) };
}

/**
 * The dashboard session making this request.
 * @throws AppError CREDENTIAL_NOT_ACCEPTED for any other credential.
 */
export function sessionOf(req: RequestLike): Extract<Principal, { kind: 'session' }> {
  const { principal } = authOf(req);
  if (principal.kind !== 'session') throw new AppError('CREDENTIAL_NOT_ACCEPTED');
  return principal;
}

/**
 * The customer-portal session making this request.
 * @throws AppError INVALID_CREDENTIALS for any other credential.
 */
export function portalSessionOf(req: RequestLike): PortalPrincipal {
  const principal = req.auth?.principal;
  if (principal?.kind !== 'portalSession') throw new AppError('INVALID_CREDENTIALS');
  return principal;
}
