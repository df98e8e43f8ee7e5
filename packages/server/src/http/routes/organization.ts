import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { Express, Request } from 'express';
import type { Kysely } from 'kysely';
import { listAuditEvents } from '../../audit/audit-log.js';
import { authOf } from '../../auth/middleware.js';
import type { Organization } from '@payment-gateway/contract';
import type { Database } from '../../storage/schema.js';
import type { OrganizationService } from '../../system/organization-service.js';
import { AppError } from '../../errors/app-error.js';
import { originOf } from '../origin.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

function contextOrganization(req: Request): string {
  const { organizationId } = authOf(req);
  if (!organizationId) throw new AppError('ORGANIZATION_CONTEXT_REQUIRED');
  return organizationId;
}

const settingsOf = (o: Organization) => ({ organizationId: o.id, name: o.name, portalEnabled: o.portalEnabled });

/** The calling organization's settings and audit log (org keys and sessions; SPEC §3 picks the organization). */
export function registerOrganizationRoutes(app: Express, d: { organizations: OrganizationService; db: Kysely<Database> }, options: EndpointOptions): void {
  const router = s.router(contract.api.organization, {
    getSettings: async ({ req }) => ({ status: 200, body: settingsOf(await d.organizations.get(contextOrganization(req))) }),
    updateSettings: async ({ body, req }) => ({
      status: 200,
      body: settingsOf(await d.organizations.update(contextOrganization(req), body, originOf(req))),
    }),
    auditEvents: async ({ params, query }) => ({ status: 200, body: await listAuditEvents(d.db, { ...query, organizationId: params.orgId }) }),
  });
  createExpressEndpoints(contract.api.organization, router, app, options);
}
