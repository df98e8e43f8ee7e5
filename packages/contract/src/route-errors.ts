import type { AppRoute } from '@ts-rest/core';
import { API_PREFIX, type CredentialKind, type RouteMetadata } from './common.js';
import { ERROR_CODE_LIST, ERROR_CODES, ErrorBody, type ErrorCode } from './errors.js';

/** What the error derivation needs to know about one route (a `ContractRoute` fits). */
export interface RouteForErrors {
  name: string;
  route: AppRoute;
  metadata: RouteMetadata;
}

/** Facts about a route that decide which error codes it can answer. */
interface RouteFacts {
  path: string;
  method: string;
  auth: RouteMetadata['auth'];
  accepts(kind: CredentialKind): boolean;
  /** The route takes a credential (not public). */
  authenticated: boolean;
  /** Accepts only customer-portal sessions. */
  portalOnly: boolean;
  pathParams: readonly string[];
  bodyFields: readonly string[];
  hasInput: boolean;
  /** The contract lists this status with the error body. */
  declares(status: number): boolean;
  readsCookie(name: string): boolean;
  /** A 503 with its own body (deep health) is the route's answer, not the error body. */
  route503IsBody: boolean;
  /** The route honours Idempotency-Key (metadata.idempotent). */
  idempotent: boolean;
}

const STATE_ACTIONS = /\/(issue|pause|resume|cancel)$/;
/** PATCH /checkouts/:id: allowed only while the checkout is open (409 INVALID_STATE). */
const isCheckoutUpdate = (r: RouteFacts) => r.method === 'PATCH' && r.path.endsWith('/checkouts/:id');

/**
 * When a code can be answered, for the codes whose cause the route's metadata and shape tell
 * (SPEC §3, §7.1). A code not listed here (e.g. one added later) is documented wherever the
 * contract declares its status with the error body, so new codes flow in without an entry.
 */
const APPLIES: Partial<Record<ErrorCode, (r: RouteFacts) => boolean>> = {
  // Any input that fails its schema; any body that is not JSON (every non-GET route parses one).
  VALIDATION_FAILED: (r) => r.hasInput || r.method !== 'GET',
  MALFORMED_AUTHORIZATION: (r) => r.authenticated,
  // Refused on every route when it comes with a credential, public ones included (SPEC §3).
  ORGANIZATION_HEADER_NOT_ALLOWED: () => true,
  ORGANIZATION_CONTEXT_REQUIRED: (r) => r.auth.organization === 'context' && r.accepts('session'),
  UNKNOWN_SCOPE: (r) => r.bodyFields.includes('scopes'),
  SYSTEM_SCOPE_NOT_ALLOWED: (r) => r.bodyFields.includes('scopes') && r.auth.organization === 'path',
  INVALID_GRACE_PERIOD: (r) => r.bodyFields.includes('gracePeriodSeconds'),
  // Every credential is proven before the route's kinds are checked, so any of them can fail.
  INVALID_CREDENTIALS: (r) => r.authenticated || (r.declares(401) && r.bodyFields.includes('password')),
  API_KEY_REVOKED: (r) => r.authenticated,
  API_KEY_EXPIRED: (r) => r.authenticated,
  API_KEY_ROTATION_REQUIRED: (r) => r.authenticated,
  SESSION_EXPIRED: (r) => r.authenticated,
  IP_NOT_ALLOWED: (r) => r.authenticated,
  REFRESH_TOKEN_INVALID: (r) => r.readsCookie('refresh'),
  MAGIC_LINK_INVALID: (r) => r.declares(401) && !r.authenticated && r.path.endsWith('/portal/auth/magic-link'),
  INSUFFICIENT_SCOPE: (r) => r.auth.scope !== null,
  SCOPE_ESCALATION: (r) => r.bodyFields.includes('scopes') || r.path.endsWith('/rotate'),
  CREDENTIAL_NOT_ACCEPTED: (r) =>
    r.authenticated &&
    !r.portalOnly &&
    (!r.accepts('organizationKey') ||
      (!r.accepts('systemKey') && r.auth.organization === 'none') ||
      (!r.accepts('session') && !r.accepts('globalAdminSession'))),
  GLOBAL_ADMIN_REQUIRED: (r) => r.accepts('globalAdminSession') && !r.accepts('session'),
  ORGANIZATION_MISMATCH: (r) => r.accepts('organizationKey') && r.auth.organization === 'path',
  ORGANIZATION_SCOPED_ROUTE: (r) =>
    r.authenticated && !r.portalOnly && r.auth.organization !== 'none' && (!r.accepts('systemKey') || r.auth.organization === 'context'),
  NOT_ORGANIZATION_MEMBER: (r) => r.accepts('session') && r.auth.organization !== 'none',
  // Every principal acting in an offboarded organization (writes; members and its keys also reads).
  ORGANIZATION_INACTIVE: (r) => r.authenticated && !r.portalOnly && r.auth.organization !== 'none',
  // SPEC §2: a key minting or changing a key beyond its own allowlist or expiry.
  KEY_RESTRICTION_ESCALATION: (r) => r.bodyFields.includes('scopes') || r.path.endsWith('/rotate'),
  // SPEC §2: only a global administrator's session sets the global-admin flag.
  GLOBAL_ADMIN_SESSION_REQUIRED: (r) => r.bodyFields.includes('globalAdmin'),
  // Cookie-authenticated changes (sign-in sets, refresh and sign-out read the refresh cookie).
  CROSS_SITE_REQUEST: (r) => r.readsCookie('refresh') || r.path.endsWith('/auth/login'),
  // A path id that does not exist (or is another organization's); a body clientId likewise.
  NOT_FOUND: (r) => r.pathParams.length > 0 || r.bodyFields.includes('clientId'),
  // Answered for paths outside the contract only.
  ROUTE_NOT_FOUND: () => false,
  METHOD_NOT_ALLOWED: () => false,
  CONFLICT: (r) =>
    r.declares(409) && !STATE_ACTIONS.test(r.path) && !r.idempotent && !isCheckoutUpdate(r) && !r.path.endsWith('/recurring/process'),
  INVALID_STATE: (r) => STATE_ACTIONS.test(r.path) || r.path.endsWith('/rotate') || isCheckoutUpdate(r),
  // SPEC §5 data import and recurring processing: only their own routes.
  IMPORT_TOO_LARGE: (r) => r.path.includes('/data-import-export/import'),
  IMPORT_TOO_MANY_ROWS: (r) => r.path.includes('/data-import-export/import'),
  IMPORT_ROWS_INVALID: (r) => r.path.endsWith('/data-import-export/import'),
  RECURRING_RUN_IN_PROGRESS: (r) => r.path.endsWith('/system/recurring/process'),
  // Magic-link minting is the one route of the portal policy codes (other routes declare 409/422 for their own).
  PORTAL_DISABLED: (r) => r.declares(422) && r.path.endsWith('/magic-links'),
  MAGIC_LINKS_DISABLED: (r) => r.declares(422) && r.path.endsWith('/magic-links'),
  ORGANIZATION_PORTAL_DISABLED: (r) => r.declares(422) && r.path.endsWith('/magic-links'),
  PORTAL_NOTHING_TO_SHOW: (r) => r.declares(422) && r.path.endsWith('/magic-links'),
  RATE_LIMITED: (r) => r.authenticated || r.declares(429),
  INTERNAL_ERROR: () => true,
  // Every Admin API and portal route needs the database; /health does not.
  // SPEC §5 commerce rules.
  CHECKOUT_AMOUNT_MISMATCH: (r) => r.method === 'POST' && r.path.endsWith('/checkouts/:siteId/create'),
  REFUND_EXCEEDS_CAPTURED: (r) => r.method === 'POST' && r.path.endsWith('/refund'),
  IDEMPOTENCY_KEY_REUSED: (r) => r.idempotent,
  IDEMPOTENCY_KEY_IN_PROGRESS: (r) => r.idempotent,
  SERVICE_UNAVAILABLE: (r) => r.path.startsWith(`${API_PREFIX}/`) && !r.route503IsBody,
};

function fieldsOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  if (shape && typeof shape === 'object') return Object.keys(shape);
  // .optional() / .default() / .strict() wrappers keep the shape in their inner type.
  const inner = (schema as { _def?: { innerType?: unknown; schema?: unknown } } | undefined)?._def;
  return inner?.innerType ? fieldsOf(inner.innerType) : inner?.schema ? fieldsOf(inner.schema) : [];
}

function factsOf({ route, metadata }: RouteForErrors): RouteFacts {
  const credentials = metadata.auth.credentials;
  const responses = route.responses as Record<string, unknown>;
  const body = 'body' in route ? route.body : undefined;
  const query = 'query' in route ? route.query : undefined;
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const bodyFields = fieldsOf(body);
  return {
    path: route.path,
    method: route.method,
    auth: metadata.auth,
    accepts: (kind) => credentials.includes(kind),
    authenticated: credentials.length > 0,
    portalOnly: credentials.length > 0 && credentials.every((k) => k === 'portalSession'),
    pathParams,
    bodyFields,
    hasInput: pathParams.length > 0 || fieldsOf(query).length > 0 || bodyFields.length > 0,
    declares: (status) => responses[String(status)] === ErrorBody,
    readsCookie: (name) => (metadata.cookies?.reads ?? []).some((r) => r.cookie === name),
    route503IsBody: responses['503'] !== undefined && responses['503'] !== ErrorBody,
    idempotent: metadata.idempotent === true,
  };
}

/**
 * The error codes a route can answer, grouped by HTTP status (ascending), derived from
 * `ERROR_CODES` and the route's metadata and shape: auth codes only where a credential is
 * taken, organization codes only where an organization is resolved, 404 only where a path has
 * parameters or the body names another resource, and so on.
 */
export function errorCodesByStatus(route: RouteForErrors): Map<number, ErrorCode[]> {
  const facts = factsOf(route);
  const out = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODE_LIST) {
    const status = ERROR_CODES[code].status;
    const rule = APPLIES[code];
    if (!(rule ? rule(facts) : facts.declares(status))) continue;
    out.set(status, [...(out.get(status) ?? []), code]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => a - b));
}
