import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { AuditService } from '../../audit/audit-service.js';
import type { RecurringService } from '../../billing/recurring-service.js';
import { deepHealth, type DeepHealthDeps } from '../../system/health-service.js';
import type { SettingsService } from '../../settings/settings-service.js';
import type { OrganizationService } from '../../system/organization-service.js';
import type { UserService } from '../../users/user-service.js';
import { originOf, userAdministratorOf } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

/** What the system routes use; a slice of the gateway. */
export type SystemRouteDeps = DeepHealthDeps & {
  audit: AuditService;
  settings: SettingsService;
  organizations: OrganizationService;
  users: UserService;
  recurring: RecurringService;
};

/** SPEC §4.5: organizations, users and memberships, settings, deep health, audit (system keys, global admins). */
export function registerSystemRoutes(app: IRouter, d: SystemRouteDeps, options: EndpointOptions): void {
  const router = s.router(contract.api.system, {
    listOrganizations: async ({ query }) => ({ status: 200, body: await d.organizations.list(query) }),
    createOrganization: async ({ body, req }) => ({ status: 201, body: await d.organizations.create(body, originOf(req)) }),
    getOrganization: async ({ params }) => ({ status: 200, body: await d.organizations.get(params.orgId) }),
    updateOrganization: async ({ params, body, req }) => ({
      status: 200,
      body: await d.organizations.update(params.orgId, body, originOf(req)),
    }),
    offboardOrganization: async ({ params, req }) => ({ status: 200, body: await d.organizations.offboard(params.orgId, originOf(req)) }),
    listUsers: async ({ query }) => ({ status: 200, body: await d.users.list(query) }),
    createUser: async ({ body, req }) => {
      const caller = userAdministratorOf(req);
      return { status: 201, body: await d.users.create(body, caller.origin, caller) };
    },
    setMembership: async ({ params, body, req }) => ({
      status: 200,
      body: await d.users.setMembership(params.orgId, params.userId, body.role, originOf(req)),
    }),
    removeMembership: async ({ params, req }) => {
      await d.users.removeMembership(params.orgId, params.userId, originOf(req));
      return { status: 204, body: undefined };
    },
    getSettings: async () => ({ status: 200, body: await d.settings.get() }),
    updateSettings: async ({ body, req }) => ({ status: 200, body: await d.settings.update(body, originOf(req)) }),
    health: async () => {
      const health = await deepHealth(d);
      return health.database.status === 'ok' ? { status: 200, body: health } : { status: 503, body: health };
    },
    auditEvents: async ({ query }) => ({ status: 200, body: await d.audit.list(query) }),
    processRecurring: async () => ({ status: 200, body: await d.recurring.process('api') }),
    recurringStatus: async () => ({ status: 200, body: await d.recurring.status() }),
  });
  createExpressEndpoints(contract.api.system, router, app, options);
}
