import { z } from 'zod';
import {
  authErrorResponses,
  c,
  Email,
  ErrorBody,
  meta,
  ORG_KEY_OR_SESSION,
  OrganizationId,
  PageQuery,
  pageOf,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
} from './common.js';
import { Invoice, RecurringSchedule } from './invoices.js';

export const CreateMagicLinkBody = z
  .object({
    email: Email,
    ttlMinutes: z.number().int().positive().optional().describe('Capped by the system magicLinkTtlMinutes'),
  })
  .strict();
export type CreateMagicLinkBody = z.infer<typeof CreateMagicLinkBody>;

export const MagicLink = z
  .object({
    url: z.string().url().describe('…/portal/login#token=…; the token is in the fragment so link scanners cannot burn it'),
    expiresAt: Timestamp,
    ttlMinutes: z.number().int().describe('The effective TTL: min(requested, system policy)'),
  })
  .describe('MagicLink');
export type MagicLink = z.infer<typeof MagicLink>;

export const PortalSession = z
  .object({ token: z.string().describe('Opaque portal session token; send as Authorization: Bearer'), expiresAt: Timestamp })
  .describe('PortalSession');
export type PortalSession = z.infer<typeof PortalSession>;

const ADMIN_TAG = 'Customer portal links';
const PORTAL_TAG = 'Customer portal';
const portalOnly = { credentials: ['portalSession'] as const, scope: null, organization: 'none' as const };

/** SPEC §6, Admin API side: minting magic links with portal:create alone. */
export const portalLinksContract = c.router(
  {
    createMagicLink: {
      method: 'POST',
      path: '/organizations/settings/portal/magic-links',
      body: CreateMagicLinkBody,
      responses: { 201: MagicLink, ...authErrorResponses, 422: ErrorBody, ...bodyErrorResponses },
      summary: 'Mint a single-use customer-portal magic link',
      metadata: meta(ADMIN_TAG, { credentials: ORG_KEY_OR_SESSION, scope: 'portal:create', organization: 'context' }),
    },
  },
  { pathPrefix: API_PREFIX },
);

/** SPEC §6, customer-facing surface: portal sessions only. */
export const portalContract = c.router(
  {
    consumeMagicLink: {
      method: 'POST',
      path: '/portal/auth/magic-link',
      body: z.object({ token: z.string().max(200) }).strict(),
      responses: { 200: PortalSession, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 500: ErrorBody, ...bodyErrorResponses },
      summary: 'Redeem a magic-link token for a portal session (single use)',
      metadata: meta(PORTAL_TAG, { credentials: [], scope: null, organization: 'none' }),
    },
    session: {
      method: 'GET',
      path: '/portal/session',
      responses: {
        200: z.object({ email: Email, organizationId: OrganizationId, hasSubscriptions: z.boolean(), expiresAt: Timestamp }),
        ...authErrorResponses,
      },
      summary: 'The current portal session',
      metadata: meta(PORTAL_TAG, portalOnly),
    },
    logout: {
      method: 'POST',
      path: '/portal/auth/logout',
      body: c.noBody(),
      responses: { 204: c.noBody(), ...authErrorResponses },
      summary: 'End the portal session',
      metadata: meta(PORTAL_TAG, portalOnly),
    },
    invoices: {
      method: 'GET',
      path: '/portal/invoices',
      query: PageQuery,
      responses: { 200: pageOf(Invoice), ...authErrorResponses },
      summary: "The session email's issued invoices in its organization",
      metadata: meta(PORTAL_TAG, portalOnly),
    },
    recurringSchedules: {
      method: 'GET',
      path: '/portal/recurring-schedules',
      query: PageQuery,
      responses: { 200: pageOf(RecurringSchedule), ...authErrorResponses },
      summary: "The session email's active recurring schedules in its organization (SPEC §12)",
      metadata: meta(PORTAL_TAG, portalOnly),
    },
  },
  { pathPrefix: API_PREFIX },
);
