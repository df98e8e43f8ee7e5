import { isAppRoute, type AppRoute, type AppRouter } from '@ts-rest/core';
import { authContract } from './auth.js';
import { checkoutsContract } from './checkouts.js';
import { clientsContract } from './clients.js';
import { creditNotesContract } from './credit-notes.js';
import { dataIoContract } from './data-io.js';
import type { RouteMetadata } from './common.js';
import { invoicesContract } from './invoices.js';
import { orgKeysContract } from './org-keys.js';
import { organizationContract } from './organizations.js';
import { portalContract, portalLinksContract } from './portal.js';
import { systemKeysContract } from './system-keys.js';
import { sitesContract } from './sites.js';
import { healthContract, systemContract } from './system.js';
import { transactionsContract } from './transactions.js';

/** Every Admin API and portal route, under /api/v1 (each router applies the prefix itself). */
export type ApiContract = {
  auth: typeof authContract;
  orgApiKeys: typeof orgKeysContract;
  systemApiKeys: typeof systemKeysContract;
  organization: typeof organizationContract;
  system: typeof systemContract;
  portalLinks: typeof portalLinksContract;
  portal: typeof portalContract;
  clients: typeof clientsContract;
  invoices: typeof invoicesContract;
  sites: typeof sitesContract;
  checkouts: typeof checkoutsContract;
  transactions: typeof transactionsContract;
  creditNotes: typeof creditNotesContract;
  dataIo: typeof dataIoContract;
};
export const apiContract: ApiContract = {
  auth: authContract,
  orgApiKeys: orgKeysContract,
  systemApiKeys: systemKeysContract,
  organization: organizationContract,
  system: systemContract,
  portalLinks: portalLinksContract,
  portal: portalContract,
  clients: clientsContract,
  invoices: invoicesContract,
  sites: sitesContract,
  checkouts: checkoutsContract,
  transactions: transactionsContract,
  creditNotes: creditNotesContract,
  dataIo: dataIoContract,
};

/** The whole contract: the API plus the unauthenticated `/health` probe. */
export type Contract = {
  api: ApiContract;
  health: typeof healthContract;
};
export const contract: Contract = { api: apiContract, health: healthContract };

export interface ContractRoute {
  /** Dotted path in the router, e.g. `api.orgApiKeys.create`; also the OpenAPI operationId source. */
  name: string;
  route: AppRoute;
  metadata: RouteMetadata;
}

/** Walks a router and yields every route with its metadata (server, OpenAPI and tests use it). */
export function listRoutes(router: AppRouter = contract, prefix = ''): ContractRoute[] {
  const out: ContractRoute[] = [];
  for (const [key, value] of Object.entries(router)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isAppRoute(value)) out.push({ name, route: value, metadata: value.metadata as RouteMetadata });
    else out.push(...listRoutes(value as AppRouter, name));
  }
  return out;
}

export * from './api-keys.js';
export * from './audit.js';
export * from './audit-actions.js';
export * from './auth.js';
export * from './clients.js';
export * from './common.js';
export * from './cookies.js';
export * from './data-io.js';
export * from './error-details.js';
export * from './errors.js';
export * from './invoices.js';
export * from './org-keys.js';
export * from './organizations.js';
export * from './portal.js';
export * from './route-errors.js';
export * from './scopes.js';
export * from './system-keys.js';
export * from './system.js';
export * from './users.js';
export * from './sites.js';
export * from './checkouts.js';
export * from './transactions.js';
export * from './credit-notes.js';
export * from './currencies.js';
