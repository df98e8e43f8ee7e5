import { API_PREFIX } from './common.js';

/**
 * The cookies of dashboard sessions (SPEC §3, §4.4), defined once: the server sets and reads
 * them by these names, the OpenAPI document declares them on the routes that use them.
 */
export const SESSION_COOKIES = {
  refresh: {
    name: 'gw_refresh',
    path: `${API_PREFIX}/auth`,
    description:
      'The refresh token of a dashboard session: HttpOnly, SameSite=Strict, Secure over TLS, sent only to /api/v1/auth. Set by sign-in and by every refresh (the token rotates); browsers send it by themselves.',
  },
  selectedOrganization: {
    name: 'selectedOrganization',
    path: '/',
    description:
      'The organization a dashboard session acts in on routes without {orgId} (an organization id, org_…). Ignored for API keys: their organization is their own.',
  },
} as const;
export type SessionCookie = keyof typeof SESSION_COOKIES;

/** How a route uses one cookie. */
export interface CookieRead {
  cookie: SessionCookie;
  /** The route fails without it (e.g. refresh: 401 `REFRESH_TOKEN_INVALID`). */
  required: boolean;
}

/** The cookies a route reads from the request and writes with `Set-Cookie`. */
export interface RouteCookies {
  /** Cookies read from the request. */
  reads?: readonly CookieRead[];
  /** Cookies set (or replaced) by a successful response. */
  sets?: readonly SessionCookie[];
  /** Cookies a response may expire (`Max-Age=0`): on success, or on the failure that invalidates them. */
  clears?: readonly SessionCookie[];
}
