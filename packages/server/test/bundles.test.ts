/**
 * SPEC §2 least-privilege bundles: a key holding exactly one bundle does its job end to end,
 * and every other route of the contract refuses it (403 INSUFFICIENT_SCOPE naming the scope,
 * or the credential-kind refusal where organization keys are not accepted at all).
 */
import { hasScope, listRoutes, SCOPE_BUNDLES, type ContractRoute } from '@payment-gateway/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, refusalFor, requestFor } from './auth-matrix.js';
import { createBillingOrg, LINE, tokenOf, type BillingOrg } from './billing-fixtures.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

type BundleName = keyof typeof SCOPE_BUNDLES;
const BUNDLES = Object.keys(SCOPE_BUNDLES) as BundleName[];
/** Areas this server must serve: a ROUTE_NOT_FOUND there is a failure, not "later slice". */
const SERVED_AREAS = [
  'api.clients.',
  'api.invoices.',
  'api.portalLinks.',
  'api.portal.',
  'api.orgApiKeys.',
  'api.sites.',
  'api.checkouts.',
  'api.transactions.',
  'api.creditNotes.',
];

describe.each(DIALECTS)('least-privilege bundles (%s)', (dialect) => {
  let server: TestServer;
  let acme: BillingOrg;
  let missingOrgId: string;
  const tokens = {} as Record<BundleName, string>;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    acme = await createBillingOrg(server, 'Acme');
    missingOrgId = `org_${'0'.repeat(20)}`;
    for (const name of BUNDLES) tokens[name] = (await server.createOrgKey(acme.organizationId, SCOPE_BUNDLES[name])).token;
  });
  afterAll(async () => server?.close());

  describe.each(BUNDLES)('bundle %s', (name) => {
    const scopes = SCOPE_BUNDLES[name];
    const guarded = (r: ContractRoute) => r.metadata.auth.credentials.length > 0;

    it('is refused every route whose scope it does not hold, naming the scope', async () => {
      let checked = 0;
      for (const route of listRoutes().filter(guarded)) {
        const { auth } = route.metadata;
        const r = requestFor(route, acme.organizationId, missingOrgId);
        const res = await server.request(r.method, r.path, { token: tokens[name], body: r.body });
        const label = `${name} → ${route.name}`;
        if (res.body?.code === 'ROUTE_NOT_FOUND') {
          // Declared in the contract but served by a later slice; the areas of this server must exist.
          expect(
            SERVED_AREAS.some((a) => route.name.startsWith(a)),
            `${label} is not served`,
          ).toBe(false);
          continue;
        }
        const refusal = refusalFor(auth, 'organizationKey');
        if (refusal) {
          expectError(res, refusal.status, refusal.code, label);
        } else if (auth.scope && !hasScope(scopes, auth.scope)) {
          const body = expectError(res, 403, 'INSUFFICIENT_SCOPE', label);
          expect(body.details?.requiredScope, label).toBe(auth.scope);
          expect(body.error).toContain(auth.scope);
        } else {
          // Held scope (or whoami): authorization passed; the request itself may be invalid.
          expect([401, 403], `${label}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
        }
        checked += 1;
      }
      expect(checked).toBeGreaterThan(15);
    });
  });

  it('billingBridge: finds or creates a client, then invoices it (draft); cannot issue or mint links', async () => {
    const as = (method: string, path: string, body?: unknown) => server.request(method, path, { token: tokens.billingBridge, body });
    expect((await as('GET', '/api/v1/clients?externalId=shop-7')).body.total).toBe(0);
    const client = await as('POST', '/api/v1/clients', { email: 'bridge@example.com', name: 'Bridge', externalId: 'shop-7' });
    expect(client.status).toBe(201);
    expect((await as('GET', '/api/v1/clients?externalId=shop-7')).body.items[0].id).toBe(client.body.id);
    const invoice = await as('POST', '/api/v1/invoices', { clientId: client.body.id, currency: 'EUR', lines: [LINE] });
    expect(invoice.status).toBe(201);
    expect((await as('GET', `/api/v1/invoices/${invoice.body.id}`)).body.status).toBe('draft');
    expect((await as('POST', `/api/v1/invoices/${invoice.body.id}/issue`)).body.details.requiredScope).toBe('invoice:execute');
  });

  it('recurringSchedules: creates, reads, pauses, resumes and cancels schedules; cannot touch clients', async () => {
    const clientId = await acme.createClient('sub@example.com');
    const as = (method: string, path: string, body?: unknown) => server.request(method, path, { token: tokens.recurringSchedules, body });
    const created = await as('POST', '/api/v1/invoices/recurring', {
      clientId,
      interval: 'monthly',
      currency: 'EUR',
      lines: [LINE],
      startDate: '2099-01-01',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await as('GET', `/api/v1/invoices/recurring?clientId=${clientId}`)).body.total).toBe(1);
    expect((await as('POST', `/api/v1/invoices/recurring/${id}/pause`)).body.status).toBe('paused');
    expect((await as('POST', `/api/v1/invoices/recurring/${id}/resume`)).body.status).toBe('active');
    expect((await as('POST', `/api/v1/invoices/recurring/${id}/cancel`)).body.status).toBe('cancelled');
    expect((await as('GET', `/api/v1/invoices/recurring/${id}`)).body.status).toBe('cancelled');
    expect((await as('GET', '/api/v1/clients')).body.details.requiredScope).toBe('client:read');
  });

  it('portalLinks: mints a magic link with portal:create alone, which opens the portal', async () => {
    await acme.customerWithIssuedInvoice('portal@example.com');
    const res = await server.request('POST', '/api/v1/organizations/settings/portal/magic-links', {
      token: tokens.portalLinks,
      body: { email: 'portal@example.com' },
    });
    expect(res.status).toBe(201);
    const session = await server.request('POST', '/api/v1/portal/auth/magic-link', { body: { token: tokenOf(res.body.url) } });
    expect(session.status).toBe(200);
    expect((await server.request('GET', '/api/v1/portal/invoices', { token: session.body.token })).body.total).toBe(1);
  });

  it('checkoutLinks: creates a checkout with checkout:create alone, whose paymentUrl opens the payment page', async () => {
    const { token: siteAdmin } = await server.createOrgKey(acme.organizationId, ['site:create']);
    const site = await server.request('POST', '/api/v1/sites', {
      token: siteAdmin,
      body: { name: 'Shop', url: 'https://shop.example.com', defaultCurrency: 'EUR' },
    });
    const res = await server.request('POST', `/api/v1/checkouts/${site.body.id}/create`, {
      token: tokens.checkoutLinks,
      body: { amount: 500, email: 'buyer@example.com', items: [{ name: 'Tea', quantity: 1, unitPrice: 500, itemType: 'goods' }] },
    });
    expect(res.status).toBe(201);
    expect((await fetch(res.body.paymentUrl)).status).toBe(200);
  });
});
