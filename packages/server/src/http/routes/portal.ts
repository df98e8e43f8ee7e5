import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { PortalServices } from '../../services.js';
import { clientOf, organizationOf, originOf, portalSessionOf as portalPrincipal } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

/** SPEC §6: minting links on the Admin API, and the customer-facing portal surface. */
export function registerPortalRoutes(app: IRouter, p: PortalServices, options: EndpointOptions): void {
  const links = s.router(contract.api.portalLinks, {
    createMagicLink: async ({ body, req }) => ({
      status: 201,
      body: await p.magicLinks.createMagicLink(organizationOf(req), body, originOf(req)),
    }),
  });
  createExpressEndpoints(contract.api.portalLinks, links, app, options);

  const portal = s.router(contract.api.portal, {
    consumeMagicLink: async ({ body, req }) => ({
      status: 200,
      body: await p.magicLinks.redeem(body.token, clientOf(req)),
    }),
    session: async ({ req }) => ({ status: 200, body: await p.sessions.describe(portalPrincipal(req)) }),
    logout: async ({ req }) => {
      await p.sessions.logout(portalPrincipal(req), originOf(req));
      return { status: 204, body: undefined };
    },
    invoices: async ({ query, req }) => ({ status: 200, body: await p.sessions.invoices(portalPrincipal(req), query) }),
    recurringSchedules: async ({ query, req }) => ({ status: 200, body: await p.sessions.recurringSchedules(portalPrincipal(req), query) }),
  });
  createExpressEndpoints(contract.api.portal, portal, app, options);
}
