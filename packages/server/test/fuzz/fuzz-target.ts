// Seeds a real server with what the fuzzer needs: an organization with data, the four kinds of
// valid credential (org key with every org scope, system key, global-admin session, portal
// session), and real ids to aim at.
import { SYSTEM_KEY_SCOPES, ORG_KEY_SCOPES } from '../auth-matrix.js';
import { createBillingOrg, tokenOf } from '../billing-fixtures.js';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from '../harness.js';
import { ADMIN, createUser, sessionToken } from '../session-helpers.js';
import type { FuzzTarget } from './fuzzer.js';
import { MISSING_ORG_COOKIE } from './known-issues.js';

export interface FuzzServer {
  server: TestServer;
  target: FuzzTarget;
}

export async function startFuzzServer(options: TestServerOptions = {}): Promise<FuzzServer> {
  const server = await startTestServer({
    ...options,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...options.env },
  });
  const billing = await createBillingOrg(server, 'Fuzz A');
  const orgId = billing.organizationId;
  const otherOrgId = await server.createOrganization('Fuzz B');
  const orgKey = await server.createOrgKey(orgId, ORG_KEY_SCOPES);
  const systemKey = await server.createSystemKey(SYSTEM_KEY_SCOPES);
  const victims = [
    await server.createOrgKey(orgId, ['client:read']),
    await server.createOrgKey(orgId, ['invoice:read']),
    await server.createOrgKey(otherOrgId, ['client:read']),
  ];
  const victimSystem = await server.createSystemKey(['organization:read']);
  const { clientId, invoiceId } = await billing.customerWithIssuedInvoice('alice@example.com');
  const draftInvoiceId = await billing.createInvoice(clientId);
  const startDate = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  const scheduleId = await billing.createSchedule(clientId, startDate);
  const victimUser = await createUser(server, { roles: { [orgId]: 'viewer' } });
  const adminSession = await sessionToken(server, ADMIN);
  const spareSession = await sessionToken(server, ADMIN);
  const adminId = (await server.request('GET', '/api/v1/auth/whoami', { token: adminSession })).body.user.id as string;

  const link = await server.request('POST', '/api/v1/organizations/settings/portal/magic-links', {
    token: billing.token,
    body: { email: 'alice@example.com' },
  });
  const magicToken = tokenOf(link.body.url);
  const portal = await server.request('POST', '/api/v1/portal/auth/magic-link', { body: { token: magicToken } });
  if (portal.status !== 200) throw new Error(`portal session: ${portal.status} ${JSON.stringify(portal.body)}`);
  const spareLink = await server.request('POST', '/api/v1/organizations/settings/portal/magic-links', {
    token: billing.token,
    body: { email: 'alice@example.com' },
  });

  const target: FuzzTarget = {
    url: server.url,
    credentials: {
      orgKey: `Bearer ${orgKey.token}`,
      systemKey: `Bearer ${systemKey.token}`,
      adminSession: `Bearer ${adminSession}`,
      portalSession: `Bearer ${portal.body.token}`,
    },
    spareSession: `Bearer ${spareSession}`,
    hints: {
      orgId: [orgId, otherOrgId],
      organizationId: [orgId, otherOrgId],
      keyId: [orgKey.id, systemKey.id, ...victims.map((v) => v.id), victimSystem.id],
      userId: [adminId, victimUser.id],
      id: [clientId, invoiceId, draftInvoiceId, scheduleId],
      clientId: [clientId],
      email: ['alice@example.com'],
      token: [tokenOf(spareLink.body.url)],
    },
    protectedValues: [orgId, orgKey.id, systemKey.id, adminId],
    cookies: [`selectedOrganization=${orgId}`, `selectedOrganization=${otherOrgId}`, MISSING_ORG_COOKIE],
  };
  return { server, target };
}

/**
 * A seeded fuzz server for one describe block, started before its tests and closed after:
 * `fuzz` itself, the seeded organization's id, and the bare token (no `Bearer `) of one of its
 * credentials by label (`orgKey`, `systemKey`, `adminSession`, `portalSession`).
 */
export function useFuzzServer(dialect: NonNullable<TestServerOptions['dialect']>): {
  readonly fuzz: FuzzServer;
  readonly orgId: string;
  token(label: string): string;
} {
  let fuzz: FuzzServer | undefined;
  beforeAll(async () => {
    fuzz = await startFuzzServer({ dialect });
  });
  afterAll(async () => fuzz?.server.close());
  const started = () => {
    if (!fuzz) throw new Error('useFuzzServer: the server is started in beforeAll');
    return fuzz;
  };
  return {
    get fuzz() {
      return started();
    },
    get orgId() {
      return started().target.hints.orgId![0]!;
    },
    token: (label) => started().target.credentials[label]!.replace(/^Bearer /, ''),
  };
}
