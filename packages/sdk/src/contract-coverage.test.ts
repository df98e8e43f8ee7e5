// SPEC §10 "Resources mirror the contract": every route an API key can call has an SDK method.
// Walks the contract like the server's auth matrix, so a route added to the contract fails here
// the day it is added, until it gets a method below or a reasoned entry in NOT_IN_SDK.
import { listRoutes, type ContractRoute, type CredentialKind } from '@payment-gateway/contract';
import { describe, expect, it } from 'vitest';
import { PaymentGateway } from './client.js';
import { BASE_URL, http, HttpResponse, KEY, seen, server, useMsw } from './test-support/msw.js';

useMsw();

const ORG = { organizationId: 'org1' };
const FEW_PAGES = { page: 1, limit: 1 };

interface Covered {
  /** One call of the SDK method that serves the route. */
  call: (gw: PaymentGateway) => Promise<unknown>;
  /** The `for await` helper of a list route (required when the route answers a page). */
  iterate?: (gw: PaymentGateway) => AsyncIterable<unknown>;
}

/** Route name (as `listRoutes` names it) → the SDK method that calls it. */
const SDK_METHODS: Record<string, Covered> = {
  'api.auth.whoami': { call: (gw) => gw.whoami() },

  'api.orgApiKeys.list': { call: (gw) => gw.apiKeys.list({}, ORG), iterate: (gw) => gw.apiKeys.iterate(FEW_PAGES, ORG) },
  'api.orgApiKeys.create': { call: (gw) => gw.apiKeys.create({ name: 'n', scopes: ['client:read'] }, ORG) },
  'api.orgApiKeys.get': { call: (gw) => gw.apiKeys.get('k1', ORG) },
  'api.orgApiKeys.update': { call: (gw) => gw.apiKeys.update('k1', { name: 'n' }, ORG) },
  'api.orgApiKeys.delete': { call: (gw) => gw.apiKeys.delete('k1', ORG) },
  'api.orgApiKeys.revoke': { call: (gw) => gw.apiKeys.revoke('k1', {}, ORG) },
  'api.orgApiKeys.rotate': { call: (gw) => gw.apiKeys.rotate('k1', {}, ORG) },
  'api.orgApiKeys.usage': { call: (gw) => gw.apiKeys.usage('k1', ORG) },

  // Global-admin sessions only on the server; the SDK keeps the methods so the two tiers stay one shape.
  'api.systemApiKeys.list': { call: (gw) => gw.systemApiKeys.list(), iterate: (gw) => gw.systemApiKeys.iterate(FEW_PAGES) },
  'api.systemApiKeys.create': { call: (gw) => gw.systemApiKeys.create({ name: 'n', scopes: ['system:read'] }) },
  'api.systemApiKeys.get': { call: (gw) => gw.systemApiKeys.get('k1') },
  'api.systemApiKeys.update': { call: (gw) => gw.systemApiKeys.update('k1', { name: 'n' }) },
  'api.systemApiKeys.delete': { call: (gw) => gw.systemApiKeys.delete('k1') },
  'api.systemApiKeys.revoke': { call: (gw) => gw.systemApiKeys.revoke('k1') },
  'api.systemApiKeys.rotate': { call: (gw) => gw.systemApiKeys.rotate('k1') },
  'api.systemApiKeys.usage': { call: (gw) => gw.systemApiKeys.usage('k1') },

  'api.organization.getSettings': { call: (gw) => gw.organization.settings.get() },
  'api.organization.updateSettings': { call: (gw) => gw.organization.settings.update({ portalEnabled: true }) },
  'api.organization.auditEvents': {
    call: (gw) => gw.organization.auditEvents.list({}, ORG),
    iterate: (gw) => gw.organization.auditEvents.iterate(FEW_PAGES, ORG),
  },

  'api.system.listOrganizations': {
    call: (gw) => gw.system.organizations.list(),
    iterate: (gw) => gw.system.organizations.iterate(FEW_PAGES),
  },
  'api.system.createOrganization': { call: (gw) => gw.system.organizations.create({ name: 'Acme' }) },
  'api.system.getOrganization': { call: (gw) => gw.system.organizations.get('org1') },
  'api.system.updateOrganization': { call: (gw) => gw.system.organizations.update('org1', { name: 'Acme' }) },
  'api.system.offboardOrganization': { call: (gw) => gw.system.organizations.offboard('org1') },
  'api.system.listUsers': { call: (gw) => gw.system.users.list(), iterate: (gw) => gw.system.users.iterate(FEW_PAGES) },
  'api.system.createUser': { call: (gw) => gw.system.users.create({ name: 'Ada', email: 'a@example.com', password: 'p'.repeat(16) }) },
  'api.system.setMembership': { call: (gw) => gw.system.users.setMembership('org1', 'u1', { role: 'viewer' }) },
  'api.system.removeMembership': { call: (gw) => gw.system.users.removeMembership('org1', 'u1') },
  'api.system.getSettings': { call: (gw) => gw.system.settings.get() },
  'api.system.updateSettings': { call: (gw) => gw.system.settings.update({}) },
  'api.system.health': { call: (gw) => gw.system.health() },
  'api.system.auditEvents': { call: (gw) => gw.system.auditEvents.list(), iterate: (gw) => gw.system.auditEvents.iterate(FEW_PAGES) },
  'api.system.processRecurring': { call: (gw) => gw.system.recurring.process() },
  'api.system.recurringStatus': { call: (gw) => gw.system.recurring.status() },

  'api.portalLinks.createMagicLink': { call: (gw) => gw.portal.createMagicLink({ email: 'ada@example.com' }) },

  'api.clients.list': { call: (gw) => gw.clients.list(), iterate: (gw) => gw.clients.iterate(FEW_PAGES) },
  'api.clients.create': { call: (gw) => gw.clients.create({ name: 'Ada', email: 'ada@example.com' }) },
  'api.clients.get': { call: (gw) => gw.clients.get('c1') },

  'api.invoices.list': { call: (gw) => gw.invoices.list(), iterate: (gw) => gw.invoices.iterate(FEW_PAGES) },
  'api.invoices.create': { call: (gw) => gw.invoices.create({ clientId: 'c1', currency: 'EUR', items: [] } as never) },
  'api.invoices.get': { call: (gw) => gw.invoices.get('i1') },
  'api.invoices.issue': { call: (gw) => gw.invoices.issue('i1') },
  'api.invoices.listRecurring': {
    call: (gw) => gw.recurringSchedules.list(),
    iterate: (gw) => gw.recurringSchedules.iterate(FEW_PAGES),
  },
  'api.invoices.createRecurring': { call: (gw) => gw.recurringSchedules.create({} as never) },
  'api.invoices.getRecurring': { call: (gw) => gw.recurringSchedules.get('r1') },
  'api.invoices.pauseRecurring': { call: (gw) => gw.recurringSchedules.pause('r1') },
  'api.invoices.resumeRecurring': { call: (gw) => gw.recurringSchedules.resume('r1') },
  'api.invoices.cancelRecurring': { call: (gw) => gw.recurringSchedules.cancel('r1') },

  'api.sites.list': { call: (gw) => gw.sites.list(), iterate: (gw) => gw.sites.iterate(FEW_PAGES) },
  'api.sites.create': { call: (gw) => gw.sites.create({} as never) },
  'api.sites.get': { call: (gw) => gw.sites.get('s1') },
  'api.sites.delete': { call: (gw) => gw.sites.delete('s1') },

  'api.checkouts.create': { call: (gw) => gw.checkouts.create('s1', {} as never) },
  'api.checkouts.list': { call: (gw) => gw.checkouts.list(), iterate: (gw) => gw.checkouts.iterate(FEW_PAGES) },
  'api.checkouts.get': { call: (gw) => gw.checkouts.get('co1') },
  'api.checkouts.update': { call: (gw) => gw.checkouts.update('co1', {}) },

  'api.transactions.createManual': { call: (gw) => gw.transactions.createManual({} as never) },
  'api.transactions.list': { call: (gw) => gw.transactions.list(), iterate: (gw) => gw.transactions.iterate(FEW_PAGES) },
  'api.transactions.get': { call: (gw) => gw.transactions.get('t1') },
  'api.transactions.refund': { call: (gw) => gw.transactions.refund('t1') },

  'api.creditNotes.list': { call: (gw) => gw.creditNotes.list(), iterate: (gw) => gw.creditNotes.iterate(FEW_PAGES) },
  'api.creditNotes.get': { call: (gw) => gw.creditNotes.get('cn1') },

  'api.dataIo.export': { call: (gw) => gw.dataExport.export({ entityType: 'clients', format: 'csv' }) },
  'api.dataIo.template': { call: (gw) => gw.dataExport.template('clients') },
  'api.dataIo.validateImport': { call: (gw) => gw.dataExport.validateImport({ csv: 'name,email\n' }) },
  'api.dataIo.import': { call: (gw) => gw.dataExport.import({ csv: 'name,email\n' }) },
};

/**
 * Routes the SDK deliberately has no method for, each with why. None of them accepts an API key
 * (checked below), so nothing an API key can do is missing from the SDK. See the SDK README,
 * "What the SDK does not cover".
 */
const NOT_IN_SDK: Record<string, string> = {
  'api.auth.login': 'dashboard sign-in with email and password; the SDK authenticates with an API key',
  'api.auth.refreshToken': 'dashboard session refresh (HttpOnly cookie); no session in the SDK',
  'api.auth.logout': 'dashboard session sign-out; no session in the SDK',
  'api.auth.loginCheck': 'dashboard session check; no session in the SDK',
  'api.portal.consumeMagicLink': "redeemed by the customer's browser on /portal/login; the SDK mints links (portal.createMagicLink)",
  'api.portal.session': "portal-session route: the customer's browser holds the portal session, the SDK (server-side) never does",
  'api.portal.logout': 'portal-session route (see api.portal.session)',
  'api.portal.invoices': 'portal-session route (see api.portal.session); merchants read invoices with invoices.list',
  'api.portal.recurringSchedules': 'portal-session route (see api.portal.session); merchants read schedules with recurringSchedules.list',
  'health.health': 'unauthenticated load-balancer liveness probe; deep health is system.health()',
  'health.ready': 'unauthenticated load-balancer readiness probe; deep health is system.health()',
};

const API_KEY_KINDS: readonly CredentialKind[] = ['organizationKey', 'systemKey'];
const acceptsApiKey = (r: ContractRoute) => r.metadata.auth.credentials.some((kind) => API_KEY_KINDS.includes(kind));
const routes = listRoutes();

function pattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
}

/** The route a request reached: among routes matching method and path, the most specific (fewest params). */
function routeOf(request: Request): string | undefined {
  const path = new URL(request.url).pathname;
  const candidates = routes
    .filter((r) => r.route.method === request.method && pattern(r.route.path).test(path))
    .sort((a, b) => (a.route.path.match(/:/g)?.length ?? 0) - (b.route.path.match(/:/g)?.length ?? 0));
  return candidates[0]?.name;
}

function isPageRoute(r: ContractRoute): boolean {
  const ok = (r.route.responses as Record<number, unknown>)[200] as { shape?: Record<string, unknown> } | undefined;
  return ok?.shape?.items !== undefined && ok.shape.total !== undefined;
}

/** A server that answers every request with an empty page (a valid body for every SDK method here). */
function answerEverything(): void {
  server.use(http.all(`${BASE_URL}/*`, () => HttpResponse.json({ items: [], total: 0, page: 1, limit: 1 })));
}

const gwFor = () => new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 0 });

describe('the SDK covers the contract (SPEC §10)', () => {
  it('classifies every route: an SDK method or a reasoned exclusion, never both, no stale names', () => {
    const names = routes.map((r) => r.name);
    const unclassified = names.filter((n) => !(n in SDK_METHODS) && !(n in NOT_IN_SDK));
    expect(unclassified, 'routes with no SDK method: add one (or a reason in NOT_IN_SDK)').toEqual([]);
    expect(Object.keys(SDK_METHODS).filter((n) => n in NOT_IN_SDK)).toEqual([]);
    const stale = [...Object.keys(SDK_METHODS), ...Object.keys(NOT_IN_SDK)].filter((n) => !names.includes(n));
    expect(stale, 'entries for routes the contract no longer has').toEqual([]);
  });

  it('leaves out no route that an organization or system API key can call', () => {
    const excludedButCallable = routes.filter((r) => r.name in NOT_IN_SDK && acceptsApiKey(r)).map((r) => r.name);
    expect(excludedButCallable).toEqual([]);
    for (const r of routes.filter(acceptsApiKey)) expect(SDK_METHODS, r.name).toHaveProperty([r.name]);
  });

  it.each(Object.entries(SDK_METHODS))('%s: the SDK method sends exactly that route', async (name, { call }) => {
    answerEverything();
    await call(gwFor());
    expect(seen.map((request) => `${request.method} ${routeOf(request)}`)).toEqual([
      `${routes.find((r) => r.name === name)?.route.method} ${name}`,
    ]);
  });

  it.each(routes.filter((r) => r.name in SDK_METHODS && isPageRoute(r)).map((r) => [r.name] as const))(
    '%s: a list route has a `for await` helper',
    async (name) => {
      const iterate = SDK_METHODS[name]?.iterate;
      expect(iterate, `${name} answers a page: give its resource an iterate()`).toBeTypeOf('function');
      answerEverything();
      const items: unknown[] = [];
      for await (const item of iterate?.(gwFor()) ?? []) items.push(item);
      expect(items).toEqual([]);
      expect(seen.map(routeOf)).toEqual([name]);
    },
  );
});
