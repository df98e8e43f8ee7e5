import { contract, type Organization } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { AuditService } from '../../audit/audit-service.js';
import type { OrganizationService } from '../../system/organization-service.js';
import { organizationOf, originOf } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

const settingsOf = (o: Organization) => ({ organizationId: o.id, name: o.name, portalEnabled: o.portalEnabled });

export interface OrganizationRouteDeps {
  organizations: OrganizationService;
  audit: AuditService;
}

/** The calling organization's settings and audit log (org keys and sessions; SPEC §3 picks the organization). */
export function registerOrganizationRoutes(app: IRouter, d: OrganizationRouteDeps, options: EndpointOptions): void {
  const router = s.router(contract.api.organization, {
    getSettings: async ({ req }) => ({ status: 200, body: settingsOf(await d.organizations.get(organizationOf(req))) }),
    updateSettings: async ({ body, req }) => ({
      status: 200,
      body: settingsOf(await d.organizations.update(organizationOf(req), body, originOf(req))),
    }),
    // The auth middleware has matched `:orgId` to the caller's organization.
    auditEvents: async ({ query, req }) => ({ status: 200, body: await d.audit.list({ ...query, organizationId: organizationOf(req) }) }),
  });
  createExpressEndpoints(contract.api.organization, router, app, options);
}
