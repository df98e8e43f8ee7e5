import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import type { RouteCookies } from './cookies.js';
import { ErrorBody } from './errors.js';
import { ALL_SCOPES, type Scope } from './scopes.js';

type ContractBuilder = ReturnType<typeof initContract>;
/** The ts-rest contract builder shared by every router file. */
export const c: Pick<ContractBuilder, 'router' | 'noBody' | 'type' | 'otherResponse'> = initContract();

/** Every Admin API and portal route lives under this prefix. */
export const API_PREFIX = '/api/v1';

/**
 * The kinds of credential a route may accept (SPEC §1):
 * - `organizationKey`: an organization API key; the organization is the key's.
 * - `systemKey`: a system API key (no organization).
 * - `session`: any dashboard session; its role in the organization is checked against the scope.
 * - `globalAdminSession`: a dashboard session of a global administrator only.
 * - `portalSession`: a customer-portal session (portal routes only).
 * A route with an empty list is public.
 */
export const CREDENTIAL_KINDS = ['organizationKey', 'systemKey', 'session', 'globalAdminSession', 'portalSession'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/**
 * Where a route's organization comes from (SPEC §3):
 * - `path`: the route has `:orgId`.
 * - `context`: the organization key's own, or a session's `selectedOrganization` cookie.
 * - `none`: the route is not organization-scoped.
 */
export type OrganizationSource = 'path' | 'context' | 'none';

/** Auth metadata every route of the contract carries; the server enforces from it. */
export interface RouteAuth {
  credentials: readonly CredentialKind[];
  /** The scope the credential must hold; `null` for public, whoami and portal-session routes. */
  scope: Scope | null;
  organization: OrganizationSource;
}

export interface RouteMetadata {
  auth: RouteAuth;
  /** OpenAPI tag. */
  tag: string;
  /** The session cookies the route reads or sets (SPEC §3, §4.4); the OpenAPI document declares them. */
  cookies: RouteCookies;
  /**
   * The route honours an `Idempotency-Key` header (SPEC §5): the server replays the first
   * response for the same key and body, and the SDK sends a key (and reuses it on its retries).
   * @default undefined (the header is ignored and no response is stored)
   */
  idempotent?: true;
  /**
   * Further media types of the success response, beside the one its `responses` entry declares
   * (e.g. the JSON form of an export whose CSV form is the declared one); the OpenAPI document lists them.
   */
  successContent?: Readonly<Record<string, z.ZodTypeAny>>;
}

/**
 * Builds route metadata; typed so every route states credentials, scope and organization.
 * Routes whose organization comes from the context and that accept sessions read the
 * `selectedOrganization` cookie (SPEC §3): that is added here, so no route has to say it.
 */
export function meta(tag: string, auth: RouteAuth, cookies: RouteCookies = {}): RouteMetadata {
  const readsSelected = auth.organization === 'context' && auth.credentials.includes('session');
  const reads = [...(cookies.reads ?? [])];
  if (readsSelected && !reads.some((r) => r.cookie === 'selectedOrganization'))
    reads.push({ cookie: 'selectedOrganization', required: false });
  return { tag, auth, cookies: { ...cookies, ...(reads.length > 0 ? { reads } : {}) } };
}

/** The header a money-moving POST reads to make retries safe (SPEC §5). */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** An Idempotency-Key value: 1–255 visible ASCII characters (a UUID is a good choice). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1-255 visible ASCII characters')
  .describe('Client-chosen key that makes retries of this request safe for 24 hours, e.g. a UUID');

/** Marks a route's metadata as honouring `Idempotency-Key` (SPEC §5); see RouteMetadata.idempotent. */
export function idempotent(metadata: RouteMetadata): RouteMetadata {
  return { ...metadata, idempotent: true };
}

export const ORG_KEY_OR_SESSION: readonly CredentialKind[] = ['organizationKey', 'session'];
export const SYSTEM_ADMIN: readonly CredentialKind[] = ['systemKey', 'globalAdminSession'];

export const Timestamp = z.string().datetime({ offset: false }).describe('ISO 8601 UTC timestamp');
export const ScopeSchema = z
  .string()
  .describe(`A scope from the catalogue, e.g. ${ALL_SCOPES.slice(0, 3).join(', ')}`) as unknown as z.ZodType<Scope, z.ZodTypeDef, string>;

/** 22 base62 characters (SPEC §1.1). */
export const KeyId = z.string().regex(/^[0-9A-Za-z]{22}$/, 'keyId must be 22 base62 characters');
export const OrganizationId = z.string().regex(/^org_[0-9A-Za-z]{16,32}$/, 'must be an organization id (org_…)');
export const UserId = z.string().regex(/^usr_[0-9A-Za-z]{16,32}$/, 'must be a user id (usr_…)');
export const ResourceId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{16,32}$`), `must be an id (${prefix}_…)`);

/**
 * The highest `page` any list accepts (SPEC §4, §7.1). With `limit` ≤ 100 the largest offset is
 * under 10^8, far inside the integer range of both SQLite (64-bit) and PostgreSQL OFFSET, so no
 * page/limit pair can overflow a query; a higher page is 400 VALIDATION_FAILED.
 */
export const MAX_PAGE = 1_000_000;
/** The highest `limit` any list accepts (SPEC §4). */
export const MAX_LIMIT = 100;

/**
 * A whole number in a query string: decimal digits only (no sign, exponent, spaces, hex or
 * repeated parameter), within [min, max]. Anything else fails with VALIDATION_FAILED; the
 * preprocess only turns a digit string into a number, so `1e21`, `+1`, ` 1` or `['1','2']`
 * reach the number schema unchanged and are refused there.
 */
export function queryInteger(min: number, max: number): z.ZodEffects<z.ZodNumber, number, number> {
  const schema = z.preprocess(
    (v) => (typeof v === 'string' && /^[0-9]{1,16}$/.test(v) ? Number(v) : v),
    z.number({ invalid_type_error: 'must be a whole number written in decimal digits' }).int().min(min).max(max),
  );
  // Callers (the SDK) pass numbers, which ts-rest writes into the query string as digits.
  return schema as unknown as z.ZodEffects<z.ZodNumber, number, number>;
}

/** `page` and `limit` of every list route (SPEC §4): page 1..MAX_PAGE (default 1), limit 1..100 (default 20). */
export const PageQuery = z
  .object({
    page: queryInteger(1, MAX_PAGE).default(1).describe(`1-based page number (at most ${MAX_PAGE})`),
    limit: queryInteger(1, MAX_LIMIT).default(20).describe(`Items per page (at most ${MAX_LIMIT})`),
  })
  .strict();

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    limit: z.number().int().min(1).max(100),
  });
}

export const Email = z.string().trim().toLowerCase().email().max(254);

/** Control characters (Unicode category Cc: U+0000–U+001F, U+007F–U+009F). */
const CONTROL_CHARACTER = /\p{Cc}/u;
/** The same, except tab, line feed and carriage return. */
const CONTROL_CHARACTER_EXCEPT_LINES = /(?![\t\n\r])\p{Cc}/u;
/**
 * Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder
 * the text shown after them ("Trojan Source"), so `shop\u202Egnp.exe` reads as `shopexe.png`.
 * The marks U+200E/U+200F, which right-to-left text uses, stay allowed.
 */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;
/**
 * A character that shows something: not white space, not a default-ignorable character
 * (zero-width space, word joiner, Hangul filler, …), not a combining mark on its own, not a
 * control, format, private-use, surrogate or unassigned code point.
 */
const VISIBLE_CHARACTER = /[^\p{White_Space}\p{Default_Ignorable_Code_Point}\p{M}\p{C}]/u;

/**
 * A one-line text people read (a name, a reference, a number): trimmed, `min`–`max`
 * characters, no control characters at all and no bidirectional controls (400 VALIDATION_FAILED),
 * so no escape sequence reaches a terminal (the CLI prints names), a log or a CSV export through
 * it and no text is shown reordered; when required (`min` > 0), at least one visible character,
 * so a name cannot be blank to the eye (only zero-width or filler characters).
 */
export function singleLineText(max: number, min = 1) {
  const text = z.string().trim();
  return readableText(min > 0 ? text.min(min) : text, max, min).refine((s) => !CONTROL_CHARACTER.test(s), {
    message: 'must not contain control characters',
  });
}

/**
 * A text people read that may span lines (a description, a reason): trimmed, `min`–`max`
 * characters; tab, line feed and carriage return allowed, every other control character refused,
 * bidirectional controls refused, and when required (`min` > 0) at least one visible character
 * (400 VALIDATION_FAILED).
 */
export function multiLineText(max: number, min = 0) {
  const text = z.string().trim();
  return readableText(min > 0 ? text.min(min) : text, max, min).refine((s) => !CONTROL_CHARACTER_EXCEPT_LINES.test(s), {
    message: 'must not contain control characters other than tab and line breaks',
  });
}

/** The rules both kinds of readable text share: at most `max`, no bidi controls, visible when required. */
function readableText(text: z.ZodString, max: number, min: number) {
  return text
    .max(max)
    .refine((s) => !BIDI_CONTROL.test(s), { message: 'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)' })
    .refine((s) => min === 0 || s.length === 0 || VISIBLE_CHARACTER.test(s), { message: 'must contain a visible character' });
}

/** Error responses every authenticated route may answer. */
export const authErrorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
} as const;

/** Error responses of every route that reads a JSON body. */
export const bodyErrorResponses = {
  413: ErrorBody,
  415: ErrorBody,
} as const;

export { ErrorBody };
