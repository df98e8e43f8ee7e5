import { z } from 'zod';
import { Actor } from './api-keys.js';
import { OrganizationId, PageQuery, Timestamp } from './common.js';

export const AuditEvent = z
  .object({
    id: z.string(),
    action: z.string().describe('e.g. api_key.created, api_key.revoked, portal.magic_link.consumed'),
    actor: Actor,
    organizationId: OrganizationId.nullable(),
    target: z.object({ type: z.string(), id: z.string() }).nullable(),
    requestId: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: Timestamp,
    metadata: z.record(z.unknown()).describe('Action-specific details; never contains secrets'),
  })
  .describe('AuditEvent');
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventsQuery = PageQuery.extend({
  actorId: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
}).strict();

export const SystemAuditEventsQuery = AuditEventsQuery.extend({ organizationId: OrganizationId.optional() }).strict();
