import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { Express } from 'express';
import type { AuthContext } from '../../access/principal.js';
import { authOf } from '../../auth/middleware.js';
import type { MagicLinkService } from '../../portal/magic-link-service.js';
import type { PortalPrincipal, PortalSessionService } from '../../portal/portal-session-service.js';
import { AppError } from '../../errors/app-error.js';
import { originOf } from '../origin.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

export interface PortalServices {
  magicLinks: MagicLinkService;
  sessions: PortalSessionService;
}

function portalPrincipal(req: { auth?: AuthContext | undefined }): PortalPrincipal {
  const principal = req.auth?.principal;
  if (principal?.kind !== 'portalSession') throw new AppError('INVALID_CREDENTIALS');
  return principal;
}

/** SPEC §6: minting links on the Admin API, and the customer-facing portal surface. */
export function registerPortalRoutes(app: Express, p: PortalServices, options: EndpointOptions): void {
  const links = s.router(contract.api.portalLinks, {
    createMagicLink: async ({ body, req }) => {
      const org = authOf(req).organizationId;
      if (!org) throw new AppError('ORGANIZATION_CONTEXT_REQUIRED');
      return { status: 201, body: await p.magicLinks.createMagicLink(org, body, originOf(req)) };
    },
  });
  createExpressEndpoints(contract.api.portalLinks, links, app, options);

  const portal = s.router(contract.api.portal, {
    consumeMagicLink: async ({ body, req }) => ({
      status: 200,
      body: await p.magicLinks.redeem(body.token, { requestId: req.requestId, ip: req.ip ?? req.socket.remoteAddress ?? '' }),
    }),
    session: async ({ req }) => ({ status: 200, body: await p.sessions.describe(portalPrincipal(req)) }),
    logout: async ({ req }) => {
      await p.sessions.logout(portalPrincipal(req), originOf(req));
      return { status: 204, body: undefined };
    },
    invoices: async ({ query, req }) => ({ status: 200, body: await p.sessions.invoices(portalPrincipal(req), query) }),
  });
  createExpressEndpoints(contract.api.portal, portal, app, options);
}
