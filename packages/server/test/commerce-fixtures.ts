import type { Scope } from '@payment-gateway/contract';
import { afterAll, beforeAll, expect } from 'vitest';
import { manualClock } from './billing-fixtures.js';
import { startTestServer, type TestServer } from './harness.js';

/** Every commerce scope (plus client ones): the merchant key the commerce fixtures seed data with. */
export const COMMERCE_ADMIN_SCOPES: readonly Scope[] = [
  'site:read',
  'site:create',
  'site:delete',
  'checkout:create',
  'checkout:read',
  'checkout:update',
  'transaction:create',
  'transaction:read',
  'transaction:execute',
  'credit_note:read',
  'client:read',
  'client:create',
];

/** A valid checkout body for `amount` minor units: one goods item. */
export function checkoutBody(amount = 2500, extra: Record<string, unknown> = {}) {
  return {
    amount,
    currency: 'EUR',
    email: 'buyer@example.com',
    items: [{ name: 'Widget', quantity: 1, unitPrice: amount, itemType: 'goods' }],
    ...extra,
  };
}

export interface CommerceOrg {
  organizationId: string;
  token: string;
  siteId: string;
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  /** Creates a checkout on the org's site; answers the 201 body. */
  createCheckout(body?: unknown): Promise<{ id: string; sessionPublicId: string; shortCode: string; paymentUrl: string }>;
  /** Records a manual transaction of `amount`; answers its id. */
  manualTransaction(amount: number, extra?: Record<string, unknown>): Promise<string>;
}

export async function createCommerceOrg(server: TestServer, name = 'Acme'): Promise<CommerceOrg> {
  const organizationId = await server.createOrganization(name);
  const { token } = await server.createOrgKey(organizationId, COMMERCE_ADMIN_SCOPES);
  const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    server.request(method, path, { token, body, ...(headers ? { headers } : {}) });
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await call(method, path, body);
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const site = await ok('POST', '/api/v1/sites', { name: `${name} shop`, url: 'https://shop.example.com', defaultCurrency: 'EUR' });
  return {
    organizationId,
    token,
    siteId: site.id,
    call,
    createCheckout: async (body = checkoutBody()) => ok('POST', `/api/v1/checkouts/${site.id}/create`, body),
    manualTransaction: async (amount, extra = {}) =>
      (await ok('POST', '/api/v1/transactions/manual', { amount, currency: 'EUR', ...extra })).id,
  };
}

/** Posts one of the payment page's buttons like a browser form on the page itself would (empty body, same origin). */
export async function pressOnPage(
  baseUrl: string,
  shortCode: string,
  action: 'pay' | 'decline' | 'cancel',
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/checkout/${shortCode}/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
    body: '',
  });
}

/** What the commerce suites share: one server on a manual clock, and two merchants with a site each. */
export interface CommerceWorld {
  /** The server's clock: `now()`, `advanceMinutes(m)`, `advanceDays(d)`. */
  clock: ReturnType<typeof manualClock>;
  server: TestServer;
  acme: CommerceOrg;
  globex: CommerceOrg;
}

/**
 * Registers the suite's beforeAll (a server on `dialect` whose clock starts at `start`, then the
 * merchants Acme and Globex) and afterAll (the server closed). The fields of the answer are set
 * once beforeAll has run: read them inside tests and hooks, not at describe time.
 */
export function useCommerceWorld(dialect: 'sqlite' | 'postgres', start: Date): CommerceWorld {
  const world = { clock: manualClock(start) } as CommerceWorld;
  beforeAll(async () => {
    world.server = await startTestServer({ dialect, now: world.clock.now });
    world.acme = await createCommerceOrg(world.server, 'Acme');
    world.globex = await createCommerceOrg(world.server, 'Globex');
  });
  afterAll(async () => world.server?.close());
  return world;
}
