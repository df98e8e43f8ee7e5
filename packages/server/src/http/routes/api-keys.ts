import { contract, type CreateApiKeyBody, type UpdateApiKeyBody } from '@payment-gateway/contract';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import type { IRouter } from 'express';
import type { KeyOwner, KeyService } from '../../keys/key-service.js';
import { grantorOf, organizationOf, originOf, type RequestLike } from '../request-context.js';
import type { EndpointOptions } from './endpoints.js';

const s = initServer();

type ListQuery = Parameters<KeyService['list']>[1];

/**
 * The handlers of one key tier, written once for both (the contract defines both tiers with
 * one factory too, contract/src/key-routes.ts): `ownerOf` says whose keys a request manages.
 */
function keyHandlers(keys: KeyService, ownerOf: (req: RequestLike) => KeyOwner) {
  return {
    list: async ({ query, req }: { query: ListQuery; req: RequestLike }) => ({
      status: 200 as const,
      body: await keys.list(ownerOf(req), query),
    }),
    create: async ({ body, req }: { body: CreateApiKeyBody; req: RequestLike }) => ({
      status: 201 as const,
      body: await keys.create(ownerOf(req), body, grantorOf(req)),
    }),
    get: async ({ params, req }: { params: { keyId: string }; req: RequestLike }) => ({
      status: 200 as const,
      body: await keys.get(ownerOf(req), params.keyId),
    }),
    usage: async ({ params, req }: { params: { keyId: string }; req: RequestLike }) => ({
      status: 200 as const,
      body: await keys.usage(ownerOf(req), params.keyId),
    }),
    update: async ({ params, body, req }: { params: { keyId: string }; body: UpdateApiKeyBody; req: RequestLike }) => ({
      status: 200 as const,
      body: await keys.update(ownerOf(req), params.keyId, body, grantorOf(req)),
    }),
    delete: async ({ params, req }: { params: { keyId: string }; req: RequestLike }) => {
      await keys.delete(ownerOf(req), params.keyId, originOf(req));
      return { status: 204 as const, body: undefined };
    },
    revoke: async ({
      params,
      body,
      req,
    }: {
      params: { keyId: string };
      body: { reason?: string | undefined } | undefined;
      req: RequestLike;
    }) => ({
      status: 200 as const,
      body: await keys.revoke(ownerOf(req), params.keyId, body?.reason, originOf(req)),
    }),
    rotate: async ({
      params,
      body,
      req,
    }: {
      params: { keyId: string };
      body: { gracePeriodSeconds?: number | undefined } | undefined;
      req: RequestLike;
    }) => ({
      status: 200 as const,
      body: await keys.rotate(ownerOf(req), params.keyId, body?.gracePeriodSeconds, grantorOf(req)),
    }),
  };
}

/** SPEC §4.1: organization keys; the auth middleware has already matched `:orgId` to the caller. */
export function registerOrgApiKeyRoutes(app: IRouter, keys: KeyService, options: EndpointOptions): void {
  const router = s.router(
    contract.api.orgApiKeys,
    keyHandlers(keys, (req) => ({ tier: 'organization', organizationId: organizationOf(req) })),
  );
  createExpressEndpoints(contract.api.orgApiKeys, router, app, options);
}

/** SPEC §4.2: system keys, for global-admin sessions only (enforced from the route metadata). */
export function registerSystemApiKeyRoutes(app: IRouter, keys: KeyService, options: EndpointOptions): void {
  const router = s.router(
    contract.api.systemApiKeys,
    keyHandlers(keys, () => ({ tier: 'system' })),
  );
  createExpressEndpoints(contract.api.systemApiKeys, router, app, options);
}
