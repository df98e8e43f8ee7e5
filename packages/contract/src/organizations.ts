import { z } from 'zod';
import { AuditEvent, AuditEventsQuery } from './audit.js';
import {
  authErrorResponses,
  c,
  ErrorBody,
  meta,
  ORG_KEY_OR_SESSION,
  OrganizationId,
  pageOf,
  Timestamp,
  API_PREFIX,
  bodyErrorResponses,
  singleLineText,
} from './common.js';

export const Organization = z
  .object({
    id: OrganizationId,
    name: z.string(),
    status: z.enum(['active', 'offboarded']),
    portalEnabled: z.boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    offboardedAt: Timestamp.nullable(),
  })
  .describe('Organization');
export type Organization = z.infer<typeof Organization>;

export const OrganizationSettings = z
  .object({ organizationId: OrganizationId, name: z.string(), portalEnabled: z.boolean() })
  .describe('OrganizationSettings');

export const UpdateOrganizationSettingsBody = z
  .object({ name: singleLineText(200).optional(), portalEnabled: z.boolean().optional() })
  .strict();

const tag = 'Organization';
const errors = { ...authErrorResponses, 404: ErrorBody };

/** The calling organization's own settings and audit log. */
export const organizationContract = c.router(
  {
    getSettings: {
      method: 'GET',
      path: '/organizations/settings',
      responses: { 200: OrganizationSettings, ...errors },
      summary: "Read the calling organization's settings",
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'organization:read', organization: 'context' }),
    },
    updateSettings: {
      method: 'PATCH',
      path: '/organizations/settings',
      body: UpdateOrganizationSettingsBody,
      responses: { 200: OrganizationSettings, ...errors, ...bodyErrorResponses },
      summary: "Update the calling organization's settings (e.g. enable its customer portal)",
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'organization:update', organization: 'context' }),
    },
    auditEvents: {
      method: 'GET',
      path: '/organizations/:orgId/audit-events',
      pathParams: z.object({ orgId: OrganizationId }),
      query: AuditEventsQuery,
      responses: { 200: pageOf(AuditEvent), ...errors },
      summary: "Read an organization's audit events",
      metadata: meta(tag, { credentials: ORG_KEY_OR_SESSION, scope: 'organization:read', organization: 'path' }),
    },
  },
  { pathPrefix: API_PREFIX },
);
