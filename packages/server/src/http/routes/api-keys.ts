import { contract } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { Express } from 'express';
import type { KeyService } from '../../keys/key-service.js';
import { grantorOf, organizationOf, originOf, type RequestLike } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

/** SPEC §4.1: organization keys; the auth middleware has already matched `:orgId` to the caller. */
export function registerOrgApiKeyRoutes(app: Express, keys: KeyService, options: EndpointOptions): void {
  // The auth middleware has matched `:orgId` to the caller (SPEC §3); the tier reads it from there.
  const org = (req: RequestLike) => ({ tier: 'organization' as const, organizationId: organizationOf(req) });
  const router = s.router(contract.api.orgApiKeys, {
    list: async ({ query, req }) => ({ status: 200, body: await keys.list(org(req), query) }),
    create: async ({ body, req }) => ({ status: 201, body: await keys.create(org(req), body, grantorOf(req)) }),
    get: async ({ params, req }) => ({ status: 200, body: await keys.get(org(req), params.keyId) }),
    update: async ({ params, body, req }) => ({ status: 200, body: await keys.update(org(req), params.keyId, body, grantorOf(req)) }),
    delete: async ({ params, req }) => {
      await keys.delete(org(req), params.keyId, originOf(req));
      return { status: 204, body: undefined };
    },
    revoke: async ({ params, body, req }) => ({ status: 200, body: await keys.revoke(org(req), params.keyId, body?.reason, originOf(req)) }),
    rotate: async ({ params, body, req }) => ({
      status: 200,
      body: await keys.rotate(org(req), params.keyId, body?.gracePeriodSeconds, grantorOf(req)),
    }),
  });
  createExpressEndpoints(contract.api.orgApiKeys, router, app, options);
}

/** SPEC §4.2: system keys, for global-admin sessions only (enforced from the route metadata). */
export function registerSystemApiKeyRoutes(app: Express, keys: KeyService, options: EndpointOptions): void {
  const sys = { tier: 'system' as const };
  const router = s.router(contract.api.systemApiKeys, {
    list: async ({ query }) => ({ status: 200, body: await keys.list(sys, query) }),
    create: async ({ body, req }) => ({ status: 201, body: await keys.create(sys, body, grantorOf(req)) }),
    get: async ({ params }) => ({ status: 200, body: await keys.get(sys, params.keyId) }),
    update: async ({ params, body, req }) => ({ status: 200, body: await keys.update(sys, params.keyId, body, grantorOf(req)) }),
    delete: async ({ params, req }) => {
      await keys.delete(sys, params.keyId, originOf(req));
      return { status: 204, body: undefined };
    },
    revoke: async ({ params, body, req }) => ({ status: 200, body: await keys.revoke(sys, params.keyId, body?.reason, originOf(req)) }),
    rotate: async ({ params, body, req }) => ({ status: 200, body: await keys.rotate(sys, params.keyId, body?.gracePeriodSeconds, grantorOf(req)) }),
  });
  createExpressEndpoints(contract.api.systemApiKeys, router, app, options);
}
