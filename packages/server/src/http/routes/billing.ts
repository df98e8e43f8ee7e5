import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { BillingServices } from '../../services.js';
import { organizationOf as orgOf, originOf } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

/** SPEC §5: clients, invoices and recurring schedules of the calling organization. */
export function registerBillingRoutes(app: IRouter, b: BillingServices, options: EndpointOptions): void {
  const clients = s.router(contract.api.clients, {
    list: async ({ query, req }) => ({ status: 200, body: await b.clients.list(orgOf(req), query) }),
    create: async ({ body, req }) => ({ status: 201, body: await b.clients.create(orgOf(req), body, originOf(req)) }),
    get: async ({ params, req }) => ({ status: 200, body: await b.clients.get(orgOf(req), params.id) }),
  });
  createExpressEndpoints(contract.api.clients, clients, app, options);

  // Same order as the contract: /invoices/recurring must be registered before /invoices/:id.
  const invoices = s.router(contract.api.invoices, {
    list: async ({ query, req }) => ({ status: 200, body: await b.invoices.list(orgOf(req), query) }),
    create: async ({ body, req }) => ({ status: 201, body: await b.invoices.create(orgOf(req), body, originOf(req)) }),
    listRecurring: async ({ query, req }) => ({ status: 200, body: await b.schedules.list(orgOf(req), query) }),
    createRecurring: async ({ body, req }) => ({ status: 201, body: await b.schedules.create(orgOf(req), body, originOf(req)) }),
    getRecurring: async ({ params, req }) => ({ status: 200, body: await b.schedules.get(orgOf(req), params.id) }),
    pauseRecurring: async ({ params, req }) => ({
      status: 200,
      body: await b.schedules.transition(orgOf(req), params.id, 'pause', originOf(req)),
    }),
    resumeRecurring: async ({ params, req }) => ({
      status: 200,
      body: await b.schedules.transition(orgOf(req), params.id, 'resume', originOf(req)),
    }),
    cancelRecurring: async ({ params, req }) => ({
      status: 200,
      body: await b.schedules.transition(orgOf(req), params.id, 'cancel', originOf(req)),
    }),
    get: async ({ params, req }) => ({ status: 200, body: await b.invoices.get(orgOf(req), params.id) }),
    issue: async ({ params, req }) => ({ status: 200, body: await b.invoices.issue(orgOf(req), params.id, originOf(req)) }),
  });
  createExpressEndpoints(contract.api.invoices, invoices, app, options);
}
