import { z } from 'zod';
import { Actor } from './api-keys.js';
import {
  authErrorResponses,
  c,
  Email,
  ErrorBody,
  KeyId,
  meta,
  OrganizationId,
  ScopeSchema,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
} from './common.js';
import { Membership, User } from './users.js';

const tag = 'Authentication';

export const LoginBody = z.object({ email: Email, password: z.string().min(1).max(1024) }).strict();

export const SessionTokenResponse = z
  .object({
    token: z.string().describe('Short-lived access token (JWT); send as Authorization: Bearer'),
    expiresAt: Timestamp,
    user: User,
  })
  .describe('SessionToken');

export const Whoami = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('api_key'),
      keyId: KeyId,
      name: z.string(),
      tier: z.enum(['organization', 'system']),
      organizationId: OrganizationId.nullable(),
      scopes: z.array(ScopeSchema),
      expiresAt: Timestamp.nullable(),
      rotationDueAt: Timestamp.nullable().describe(
        "When the key's current secret falls (or fell) due for rotation (keyPolicy.maxKeyAgeDays); null when no maximum age is set",
      ),
    }),
    z.object({
      type: z.literal('session'),
      user: User,
      memberships: z.array(Membership),
      globalAdmin: z.boolean(),
      selectedOrganizationId: OrganizationId.nullable(),
      expiresAt: Timestamp,
    }),
  ])
  .describe('Whoami');
export type Whoami = z.infer<typeof Whoami>;

/** SPEC §4.4: dashboard sign-in and the calling principal. */
export const authContract = c.router(
  {
    login: {
      method: 'POST',
      path: '/auth/login',
      body: LoginBody,
      responses: { 200: SessionTokenResponse, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 500: ErrorBody, ...bodyErrorResponses },
      summary: 'Sign in with email and password (sets an HttpOnly refresh cookie)',
      metadata: meta(tag, { credentials: [], scope: null, organization: 'none' }, { sets: ['refresh'] }),
    },
    refreshToken: {
      method: 'POST',
      path: '/auth/refresh-token',
      body: c.noBody(),
      responses: { 200: SessionTokenResponse, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 500: ErrorBody },
      summary: 'Exchange the refresh cookie for a new access token (the refresh token rotates)',
      metadata: meta(
        tag,
        { credentials: [], scope: null, organization: 'none' },
        { reads: [{ cookie: 'refresh', required: true }], sets: ['refresh'], clears: ['refresh'] },
      ),
    },
    logout: {
      method: 'POST',
      path: '/auth/logout',
      body: c.noBody(),
      responses: { 204: c.noBody(), ...authErrorResponses },
      summary: 'Sign out: the session and its refresh token stop working',
      metadata: meta(tag, { credentials: ['session'], scope: null, organization: 'none' }, { clears: ['refresh'] }),
    },
    loginCheck: {
      method: 'GET',
      path: '/auth/login/check',
      responses: {
        200: z.object({ authenticated: z.literal(true), user: User, expiresAt: Timestamp }),
        ...authErrorResponses,
      },
      summary: 'Check that the session is valid',
      metadata: meta(tag, { credentials: ['session'], scope: null, organization: 'none' }),
    },
    whoami: {
      method: 'GET',
      path: '/auth/whoami',
      responses: { 200: Whoami, ...authErrorResponses },
      summary: 'The calling principal: key id, tier, organization, scopes and expiry; or the user and memberships',
      metadata: meta(
        tag,
        { credentials: ['organizationKey', 'systemKey', 'session'], scope: null, organization: 'none' },
        // A session's selectedOrganizationId comes from the cookie.
        { reads: [{ cookie: 'selectedOrganization', required: false }] },
      ),
    },
  },
  { pathPrefix: API_PREFIX },
);

export { Actor };
