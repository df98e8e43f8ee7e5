import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { CommerceServices } from '../../services.js';
import { organizationOf as orgOf, originOf } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

/** SPEC §5: sites, checkouts, transactions and credit notes of the calling organization. */
export function registerCommerceRoutes(app: IRouter, c: CommerceServices, options: EndpointOptions): void {
  const sites = s.router(contract.api.sites, {
    list: async ({ query, req }) => ({ status: 200, body: await c.sites.list(orgOf(req), query) }),
    create: async ({ body, req }) => ({ status: 201, body: await c.sites.create(orgOf(req), body, originOf(req)) }),
    get: async ({ params, req }) => ({ status: 200, body: await c.sites.get(orgOf(req), params.id) }),
    delete: async ({ params, req }) => {
      await c.sites.delete(orgOf(req), params.id, originOf(req));
      return { status: 204, body: undefined };
    },
  });
  createExpressEndpoints(contract.api.sites, sites, app, options);

  const checkouts = s.router(contract.api.checkouts, {
    create: async ({ params, body, req }) => ({
      status: 201,
      body: await c.checkouts.create(orgOf(req), params.siteId, body, originOf(req)),
    }),
    list: async ({ query, req }) => ({ status: 200, body: await c.checkouts.list(orgOf(req), query) }),
    get: async ({ params, req }) => ({ status: 200, body: await c.checkouts.get(orgOf(req), params.id) }),
    update: async ({ params, body, req }) => ({ status: 200, body: await c.checkouts.update(orgOf(req), params.id, body, originOf(req)) }),
  });
  createExpressEndpoints(contract.api.checkouts, checkouts, app, options);

  const transactions = s.router(contract.api.transactions, {
    createManual: async ({ body, req }) => ({ status: 201, body: await c.transactions.createManual(orgOf(req), body, originOf(req)) }),
    list: async ({ query, req }) => ({ status: 200, body: await c.transactions.list(orgOf(req), query) }),
    get: async ({ params, req }) => ({ status: 200, body: await c.transactions.get(orgOf(req), params.id) }),
    refund: async ({ params, body, req }) => ({
      status: 201,
      body: await c.transactions.refund(orgOf(req), params.id, body ?? {}, originOf(req)),
    }),
  });
  createExpressEndpoints(contract.api.transactions, transactions, app, options);

  const creditNotes = s.router(contract.api.creditNotes, {
    list: async ({ query, req }) => ({ status: 200, body: await c.creditNotes.list(orgOf(req), query) }),
    get: async ({ params, req }) => ({ status: 200, body: await c.creditNotes.get(orgOf(req), params.id) }),
  });
  createExpressEndpoints(contract.api.creditNotes, creditNotes, app, options);
}
