import type { RouteMetadata } from '@payment-gateway/contract';
import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors/app-error.js';
import type { RateLimits } from '../limits/rate-limit.js';
import type { CredentialAuthenticator } from '../auth/authenticator.js';
import { authorize, type OrganizationLookup } from '../access/authorize.js';
import { assertSingleAuthorization, readBearer } from '../auth/bearer.js';
import { clientIpOf, cookiesOf, SELECTED_ORGANIZATION_COOKIE } from './request-context.js';
import { actorOf, credentialId, type AuthContext, type Principal } from '../access/principal.js';
import { parseToken } from '../keys/token.js';
import { announceRotationDue } from './key-rotation-header.js';

export interface AuthMiddlewareOptions {
  authenticators: readonly CredentialAuthenticator[];
  organizations: OrganizationLookup;
  limits: RateLimits;
  /**
   * Benchmarks only (see GatewayOptions.authenticationBypass): on routes that require a
   * credential, use this principal instead of reading, proving and rate-limiting one.
   * Authorization (credential kind, organization, scope) still applies.
   * @default undefined (every credential is proven)
   */
  bypassWith?: Principal | undefined;
  /**
   * Counts each request of a proven API key, accepted or refused, in memory (the key's usage,
   * flushed in batches with lastUsedAt; never a write per request).
   * @default undefined (nothing counted)
   */
  usage?: KeyUsageCounter | undefined;
  /** Clock for the usage hour. @default () => new Date() */
  now?: (() => Date) | undefined;
}

/** Where the middleware counts key requests (LastUsedRecorder). */
export interface KeyUsageCounter {
  count(keyId: string, at: Date, accepted: boolean): void;
}

/** Refusals that come only after the key's secret was proven, so they are the key's own. */
const PROVEN_KEY_REFUSALS: ReadonlySet<string> = new Set([
  'API_KEY_REVOKED',
  'API_KEY_EXPIRED',
  'IP_NOT_ALLOWED',
  'API_KEY_ROTATION_REQUIRED',
]);

/**
 * True for a route where a credential can ride, so X-Organization-ID is refused there (SPEC §3):
 * every route that accepts one, and the credential-less ones that read a body or a cookie (the
 * login password, the refresh cookie, the magic-link token). Only the health checks are left.
 */
function mayCarryCredential(method: string, metadata: RouteMetadata): boolean {
  return metadata.auth.credentials.length > 0 || (method !== 'GET' && method !== 'HEAD') || (metadata.cookies.reads?.length ?? 0) > 0;
}

/**
 * The one authentication middleware: reads the route's contract metadata and enforces it
 * (credential kind, organization rules, scope), then the per-credential rate limit.
 */
export function createAuthMiddleware(o: AuthMiddlewareOptions): RequestHandler {
  return (req, res, next) => {
    authenticateRequest(req, res, o).then(
      (auth) => {
        if (auth) req.auth = auth;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

async function authenticateRequest(req: Request, res: Response, o: AuthMiddlewareOptions): Promise<AuthContext | null> {
  const metadata = (req as Request & { tsRestRoute?: { metadata?: RouteMetadata } }).tsRestRoute?.metadata;
  if (!metadata) throw new AppError('INTERNAL_ERROR');
  const route = metadata.auth;
  const header = req.headers.authorization;
  // The organization comes from the credential; never from a header (SPEC §3).
  if (req.headers['x-organization-id'] !== undefined && (header !== undefined || mayCarryCredential(req.method, metadata))) {
    throw new AppError('ORGANIZATION_HEADER_NOT_ALLOWED');
  }
  if (route.credentials.length === 0) return null;
  assertSingleAuthorization(req.rawHeaders);

  const ip = clientIpOf(req);
  const principal = o.bypassWith ?? (await proveCredential(header, ip, o));
  announceRotationDue(res, principal);
  const keyId = !o.bypassWith && (principal.kind === 'organizationKey' || principal.kind === 'systemKey') ? principal.key.id : null;
  const params = req.params as Record<string, string | undefined>;
  try {
    const { organizationId, scopes } = await authorize(
      {
        principal,
        route,
        pathOrganizationId: params.orgId,
        // Only a dashboard session picks its organization by cookie (SPEC §3): keys never parse the Cookie header.
        selectedOrganization: principal.kind === 'session' ? cookiesOf(req)[SELECTED_ORGANIZATION_COOKIE] : undefined,
      },
      o.organizations,
    );
    if (!o.bypassWith) await o.limits.consumeCredential(credentialId(principal));
    if (keyId) o.usage?.count(keyId, o.now?.() ?? new Date(), true);
    return { principal, organizationId, scopes, actor: actorOf(principal), requestId: req.requestId, ip };
  } catch (err) {
    if (keyId) o.usage?.count(keyId, o.now?.() ?? new Date(), false);
    throw err;
  }
}

/** Reads the bearer credential and lets its authenticator prove it; failures count against the IP. */
async function proveCredential(header: string | undefined, ip: string, o: AuthMiddlewareOptions): Promise<Principal> {
  await o.limits.assertIpNotBlocked(ip);
  const token = readBearer(header);
  if (!token) throw new AppError('INVALID_CREDENTIALS');
  const authenticator = o.authenticators.find((a) => a.claims(token));
  try {
    if (!authenticator) throw new AppError('INVALID_CREDENTIALS');
    return await authenticator.authenticate(token, { ip });
  } catch (err) {
    if (err instanceof AppError && PROVEN_KEY_REFUSALS.has(err.code)) {
      const keyId = parseToken(token)?.keyId;
      if (keyId) o.usage?.count(keyId, o.now?.() ?? new Date(), false);
    }
    if (err instanceof AppError && err.status === 401) await o.limits.recordAuthFailure(ip);
    throw err;
  }
}
