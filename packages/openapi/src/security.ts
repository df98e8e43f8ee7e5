import { API_KEY_TOKEN_REGEX, SESSION_COOKIES, type CredentialKind, type RouteAuth, type RouteCookies } from '@payment-gateway/contract';
import type { SecurityRequirementObject, SecuritySchemeObject } from 'openapi3-ts/oas31';

/** The bearer scheme each kind of credential is sent with. */
export const SCHEME_OF: Readonly<Record<CredentialKind, string>> = {
  organizationKey: 'apiKey',
  systemKey: 'apiKey',
  session: 'session',
  globalAdminSession: 'session',
  portalSession: 'portalSession',
};

/** How each kind of credential reads in prose. */
export const CREDENTIAL_LABEL: Readonly<Record<CredentialKind, string>> = {
  organizationKey: 'an organization API key (`Bearer sk_…`)',
  systemKey: 'a system API key (`Bearer sk_…`)',
  session: 'a dashboard session (`Bearer <JWT>`) whose role in the organization grants the scope',
  globalAdminSession: "a global administrator's dashboard session (`Bearer <JWT>`)",
  portalSession: 'a customer-portal session (`Bearer <portal session token>`)',
};

export const SECURITY_SCHEMES: Readonly<Record<string, SecuritySchemeObject>> = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'sk_<keyId>.<secret>',
    description: [
      'An organization or system API key, sent as `Authorization: Bearer sk_<keyId>.<secret>`.',
      'One format for both tiers; the tier is stored server-side. `keyId` is 22 base62 characters;',
      'the secret is 43 base62 characters followed by a 6-character base62 CRC32 checksum, so a',
      'mistyped or truncated key is rejected without a lookup and secret scanners can validate',
      `candidates offline. Format: \`${API_KEY_TOKEN_REGEX.source}\`.`,
      'Never send `X-Organization-ID`: the organization comes from the key (400 `ORGANIZATION_HEADER_NOT_ALLOWED`).',
    ].join(' '),
  },
  session: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A dashboard user's short-lived access token from `POST /api/v1/auth/login`. The user's role in the organization (viewer, editor, admin) must grant the route's scope; global administrators act as admin everywhere and may call system routes.",
  },
  portalSession: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An opaque customer-portal session token from `POST /api/v1/portal/auth/magic-link`. Accepted on customer-portal routes only, never on Admin API routes.',
  },
  refreshCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIES.refresh.name,
    description: `${SESSION_COOKIES.refresh.description} Only \`POST /api/v1/auth/refresh-token\` takes it as its credential.`,
  },
};

/**
 * Alternative security requirements for a route; public routes get `[]`, and a route whose
 * credential is a required cookie (refresh) names the cookie scheme. Scope lists stay empty:
 * OpenAPI defines them for OAuth2 and OpenID Connect only, so the required scope is in
 * `x-required-scope` and the description instead.
 */
export function securityFor(auth: RouteAuth, cookies: RouteCookies = {}): SecurityRequirementObject[] {
  const schemes = [...new Set(auth.credentials.map((kind) => SCHEME_OF[kind]))];
  if (cookies.reads?.some((r) => r.cookie === 'refresh' && r.required)) schemes.push('refreshCookie');
  return schemes.map((scheme) => ({ [scheme]: [] }));
}

/** The prose part of an operation description that says who may call it. */
export function describeAuth(auth: RouteAuth, pathHasOrgId: boolean): string {
  if (auth.credentials.length === 0) return '**Authentication:** none (public route).';
  const lines = [
    auth.scope ? `**Required scope:** \`${auth.scope}\`.` : '**Required scope:** none; any valid credential of an accepted kind.',
    `**Accepted credentials:** ${auth.credentials.map((kind) => CREDENTIAL_LABEL[kind]).join('; or ')}.`,
  ];
  if (auth.organization === 'path') {
    lines.push(
      `**Organization:** the \`{orgId}\` path parameter. An organization key may only name its own organization (403 \`ORGANIZATION_MISMATCH\`)${auth.credentials.includes('systemKey') ? '; a system key may name any' : ''}.`,
    );
  } else if (auth.organization === 'context') {
    lines.push(
      "**Organization:** the organization key's own, or a session's `selectedOrganization` cookie (400 `ORGANIZATION_CONTEXT_REQUIRED` without one). `X-Organization-ID` is never accepted.",
    );
  } else if (pathHasOrgId) {
    lines.push('**Organization:** not organization-scoped; `{orgId}` names the organization to administer.');
  }
  return lines.join('\n\n');
}
