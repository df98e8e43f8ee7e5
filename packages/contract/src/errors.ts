import { z } from 'zod';

/**
 * Every error code the API answers with, its HTTP status and default message. Defined once:
 * the server maps failures to these, the SDK narrows on them, the OpenAPI document lists them.
 */
export const ERROR_CODES = {
  // 400
  VALIDATION_FAILED: { status: 400, message: 'The request is invalid; see details.issues.' },
  MALFORMED_AUTHORIZATION: {
    status: 400,
    message: 'The Authorization header must be "Bearer <credential>".',
  },
  ORGANIZATION_HEADER_NOT_ALLOWED: {
    status: 400,
    message:
      'X-Organization-ID is not accepted: the organization comes from the API key (or, for dashboard sessions, from the route or the selectedOrganization cookie). Remove the header.',
  },
  ORGANIZATION_CONTEXT_REQUIRED: {
    status: 400,
    message: 'This route needs an organization: use an organization key, or select an organization.',
  },
  UNKNOWN_SCOPE: { status: 400, message: 'One or more scopes are not in the catalogue; see details.validScopes.' },
  INVALID_GRACE_PERIOD: { status: 400, message: 'gracePeriodSeconds is outside the allowed range.' },
  /** SPEC §5: a checkout's items (quantity × unitPrice, discounts subtracted) do not add up to its amount. */
  CHECKOUT_AMOUNT_MISMATCH: {
    status: 400,
    message: 'The checkout items do not add up to amount; see details.itemsTotal and details.amount.',
  },
  MALFORMED_REQUEST: {
    status: 400,
    message: 'The request is not valid HTTP/1.1 (method, header, framing or encoding); it was refused before routing.',
  },
  // 401
  INVALID_CREDENTIALS: { status: 401, message: 'The credential is missing or invalid.' },
  API_KEY_REVOKED: { status: 401, message: 'This API key has been revoked.' },
  API_KEY_EXPIRED: { status: 401, message: 'This API key has expired.' },
  /** Key hygiene: the key's secret is older than keyPolicy.maxKeyAgeDays plus rotationGraceDays and enforceMaxKeyAge is on. */
  API_KEY_ROTATION_REQUIRED: {
    status: 401,
    message:
      "This API key's secret is past its maximum age (system key policy) and must be rotated; rotate it with another credential (dashboard or another key).",
  },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired; sign in again.' },
  REFRESH_TOKEN_INVALID: { status: 401, message: 'The refresh token is missing, expired or already used.' },
  MAGIC_LINK_INVALID: { status: 401, message: 'This link is invalid, expired or already used.' },
  // 403
  INSUFFICIENT_SCOPE: { status: 403, message: 'The credential lacks the scope this route requires.' },
  SCOPE_ESCALATION: { status: 403, message: 'A credential can only grant scopes it holds itself.' },
  SYSTEM_SCOPE_NOT_ALLOWED: {
    status: 400,
    message: 'System-tier scopes can only be granted to system keys; organization keys may not hold them.',
  },
  CREDENTIAL_NOT_ACCEPTED: { status: 403, message: 'This kind of credential is not accepted on this route.' },
  GLOBAL_ADMIN_REQUIRED: { status: 403, message: 'Only global administrators may call this route.' },
  ORGANIZATION_MISMATCH: { status: 403, message: 'The credential does not belong to this organization.' },
  ORGANIZATION_SCOPED_ROUTE: {
    status: 403,
    message: 'System keys cannot call organization-scoped routes; use an organization key.',
  },
  NOT_ORGANIZATION_MEMBER: { status: 403, message: 'You are not a member of this organization.' },
  ORGANIZATION_INACTIVE: { status: 403, message: 'This organization has been offboarded.' },
  IP_NOT_ALLOWED: { status: 403, message: "The request's IP address is not in this key's allowlist." },
  /** SPEC §2: a key minted or changed by a key got a wider allowlist or a later (or no) expiry than the calling key. */
  KEY_RESTRICTION_ESCALATION: {
    status: 403,
    message:
      'A key can only create or change keys at least as restricted as itself: IP allowlist inside its own, expiry no later than its own.',
  },
  /** SPEC §2: creating a global admin or setting a global-admin flag was attempted with an API key (or a non-admin session). */
  GLOBAL_ADMIN_SESSION_REQUIRED: {
    status: 403,
    message:
      "Only a global administrator's dashboard session can create a global administrator or change the global-admin flag; no API key can.",
  },
  /** Cookie-authenticated state change sent by another site (Origin or Sec-Fetch-Site says cross-site). */
  CROSS_SITE_REQUEST: {
    status: 403,
    message: 'This request was sent by another site; cookie-authenticated changes are accepted from the same origin only.',
  },
  // 404, 405, 408, 409, 413, 415, 422, 429, 431
  NOT_FOUND: { status: 404, message: 'The resource does not exist.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No route matches this method and path.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'This path does not accept this method; see the Allow header.' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state of the resource.' },
  INVALID_STATE: { status: 409, message: 'The resource is not in a state that allows this action.' },
  /** SPEC §5: this refund would take the refunds of a transaction above its captured amount. */
  REFUND_EXCEEDS_CAPTURED: {
    status: 409,
    message: 'Refunds cannot add up to more than the captured amount; see details.refundable.',
  },
  /** SPEC §5: a request with this Idempotency-Key is still being processed (a concurrent duplicate). */
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    message: 'A request with this Idempotency-Key is still in progress; retry shortly to get its response.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Request bodies must be application/json.' },
  PORTAL_DISABLED: { status: 422, message: 'The customer portal is disabled by system policy.' },
  MAGIC_LINKS_DISABLED: { status: 422, message: 'Portal magic links are disabled by system policy.' },
  ORGANIZATION_PORTAL_DISABLED: { status: 422, message: "This organization's customer portal is disabled." },
  PORTAL_NOTHING_TO_SHOW: {
    status: 422,
    message: 'This email has no issued invoice or active recurring schedule in this organization.',
  },
  /** SPEC §5: an Idempotency-Key was reused with another request (method, path or body). */
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request; use a new key for a new request.',
  },
  /** SPEC §5 data import: the CSV text is larger than IMPORT_MAX_BYTES (UTF-8 bytes). */
  IMPORT_TOO_LARGE: {
    status: 413,
    message: 'The CSV is larger than this server accepts for one import; see details.maxBytes. Split the file.',
  },
  /** SPEC §5 data import: the CSV has more data rows than IMPORT_MAX_ROWS. */
  IMPORT_TOO_MANY_ROWS: { status: 413, message: 'The CSV has more rows than one import accepts; see details.maxRows. Split the file.' },
  /** SPEC §5 data import is all-or-nothing: at least one row is invalid, so nothing was written. */
  IMPORT_ROWS_INVALID: { status: 422, message: 'Some rows are invalid, so nothing was imported; see details.rows.' },
  /** SPEC §5 recurring processing: another run (this or another instance, or the CLI) holds the lease. */
  RECURRING_RUN_IN_PROGRESS: { status: 409, message: 'Recurring processing is already running; retry after it finishes.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the number of seconds in Retry-After.' },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request headers are too large.' },
  // 5xx
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side. Quote the request id when you contact support.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** The one error body of every non-2xx response (SPEC §7.1). */
export const ErrorBody = z
  .object({
    error: z.string().describe('Human-readable message; safe to show, never contains secrets'),
    code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]).describe('Stable machine-readable code'),
    requestId: z.string().describe('Echoed in the X-Request-ID header; quote it to support'),
    details: z.record(z.unknown()).optional().describe('Structured details, e.g. issues, requiredScope, validScopes'),
  })
  .describe('Error');
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Error codes grouped by status, for documentation. */
export function errorCodesForStatus(status: number): ErrorCode[] {
  return ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].status === status);
}
