import { authErrorResponses, meta, ORG_KEY_OR_SESSION, type RouteMetadata } from './common.js';
import { ErrorBody } from './errors.js';
import type { Scope } from './scopes.js';

/**
 * The error responses of a route on one of the calling organization's resources: the auth errors
 * (SPEC §7.1) and 404 for an id that is not in the organization.
 */
export const ORG_RESOURCE_ERRORS = { ...authErrorResponses, 404: ErrorBody };

/**
 * Metadata of a route on the calling organization's resources (SPEC §3): an organization key or
 * a dashboard session holding `scope`, in the key's organization or the session's selected one.
 * @example metadata: orgRoute('Sites', 'site:read')
 */
export function orgRoute(tag: string, scope: Scope): RouteMetadata {
  return meta(tag, { credentials: ORG_KEY_OR_SESSION, scope, organization: 'context' });
}
