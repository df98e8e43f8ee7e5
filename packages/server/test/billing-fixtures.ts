import type { Scope } from '@payment-gateway/contract';
import { expect } from 'vitest';
import { OPERATOR, type TestServer } from './harness.js';

/** Every billing and portal scope: the "merchant admin" key the fixtures seed data with. */
export const BILLING_ADMIN_SCOPES: readonly Scope[] = [
  'client:read',
  'client:create',
  'invoice:read',
  'invoice:create',
  'invoice:execute',
  'portal:create',
];

export const LINE = { description: 'Hosting', quantity: 2, unitAmount: 1250 };

/** An organization with an all-billing key, and helpers that seed data over HTTP. */
export interface BillingOrg {
  organizationId: string;
  token: string;
  createClient(email: string, extra?: { name?: string; externalId?: string }): Promise<string>;
  createInvoice(clientId: string): Promise<string>;
  issueInvoice(invoiceId: string): Promise<void>;
  /** Client + issued invoice: the email can get a magic link. */
  customerWithIssuedInvoice(email: string): Promise<{ clientId: string; invoiceId: string }>;
  createSchedule(clientId: string, startDate: string, interval?: string): Promise<string>;
}

export async function createBillingOrg(server: TestServer, name = 'Acme'): Promise<BillingOrg> {
  const organizationId = await server.createOrganization(name);
  const { token } = await server.createOrgKey(organizationId, BILLING_ADMIN_SCOPES);
  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await server.request(method, path, { token, body });
    expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body;
  };
  const org: BillingOrg = {
    organizationId,
    token,
    createClient: async (email, extra = {}) =>
      (
        await ok('POST', '/api/v1/clients', {
          email,
          name: extra.name ?? 'Customer',
          ...(extra.externalId ? { externalId: extra.externalId } : {}),
        })
      ).id,
    createInvoice: async (clientId) => (await ok('POST', '/api/v1/invoices', { clientId, currency: 'EUR', lines: [LINE] })).id,
    issueInvoice: async (invoiceId) => {
      await ok('POST', `/api/v1/invoices/${invoiceId}/issue`);
    },
    customerWithIssuedInvoice: async (email) => {
      const clientId = await org.createClient(email);
      const invoiceId = await org.createInvoice(clientId);
      await org.issueInvoice(invoiceId);
      return { clientId, invoiceId };
    },
    createSchedule: async (clientId, startDate, interval = 'monthly') =>
      (await ok('POST', '/api/v1/invoices/recurring', { clientId, interval, currency: 'EUR', lines: [LINE], startDate })).id,
  };
  return org;
}

/** A clock tests move by hand. */
export function manualClock(start = new Date('2030-01-15T10:00:00.000Z')) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advanceMinutes(m: number) {
      t += m * 60_000;
    },
    advanceDays(d: number) {
      t += d * 86_400_000;
    },
  };
}

export async function setPortalPolicy(
  server: TestServer,
  portal: Partial<{ enabled: boolean; magicLinksEnabled: boolean; magicLinkTtlMinutes: number; sessionTtlMinutes: number }>,
) {
  await server.gateway.settings.update({ portal }, OPERATOR);
}

/** The token out of a magic-link URL (it lives in the fragment). */
export function tokenOf(url: string): string {
  const m = /#token=([^&]+)$/.exec(url);
  if (!m) throw new Error(`no token in ${url}`);
  return m[1]!;
}

export async function auditActions(server: TestServer, organizationId: string) {
  return server.gateway.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('seq')
    .execute();
}
