// Runs every example against a real server started here (embedded SQLite, free port), exactly as
// a newcomer would run it, so the examples can never rot. Each example's return value is checked
// against what the server now holds, and every key an example creates must be revoked at the end.
import { readFileSync } from 'node:fs';
import { AuthenticationError, PaymentGateway, SCOPE_BUNDLES } from '@payment-gateway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../packages/server/test/harness.js';
import * as billingBridge from './billing-bridge.js';
import * as checkoutLinkKey from './checkout-link-key.js';
import * as keyRotation from './key-rotation.js';
import * as portalLinks from './portal-links.js';
import * as recurringSchedules from './recurring-schedules.js';
import * as revokeOnLeak from './revoke-on-leak.js';
import { OPERATOR_SCOPES, type ExampleEnv } from './shared.js';

let server: TestServer;
let env: ExampleEnv;
let admin: PaymentGateway;

beforeAll(async () => {
  server = await startTestServer();
  const org = await server.createOrganization('Examples Inc');
  // What the operator does once with `payment-gateway key:create` (see README.md).
  const operator = await server.createOrgKey(org, OPERATOR_SCOPES, { name: 'examples operator' });
  env = { GATEWAY_URL: server.url, GATEWAY_API_KEY: operator.token };
  admin = new PaymentGateway({ apiKey: operator.token, baseUrl: server.url, maxRetries: 0 });
});
afterAll(async () => server?.close());

/** Runs an example with its output captured. */
async function run<T>(
  main: (env: ExampleEnv, log: (line: string) => void) => Promise<T>,
  extra: ExampleEnv = {},
): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const result = await main({ ...env, ...extra }, (line) => lines.push(line));
  return { result, output: lines.join('\n') };
}

/** The example cleaned up: its key is revoked on the server and its token refused. */
async function expectCleanedUp(keyId: string, token: string): Promise<void> {
  expect((await admin.apiKeys.get(keyId)).status).toBe('revoked');
  const err = await new PaymentGateway({ apiKey: token, baseUrl: server.url, maxRetries: 0 }).whoami().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AuthenticationError);
  expect(err).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
}

/** Secrets are never printed: not the token, not even its secret half. */
function expectNoSecret(output: string, ...tokens: string[]): void {
  for (const token of tokens) expect(output).not.toContain(token.split('.')[1]!.slice(0, 12));
}

describe('examples', () => {
  it('README: every operator key:create command grants exactly OPERATOR_SCOPES', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const commands = [...readme.matchAll(/--scopes '([\w:*,]+)'/g)].map((m) => m[1]!.split(',').sort());
    expect(commands.length).toBeGreaterThan(0);
    for (const scopes of commands) expect(scopes).toEqual([...OPERATOR_SCOPES].sort());
  });

  it('checkout-link-key: a key with exactly checkout:create, proven by whoami', async () => {
    const { result, output } = await run(checkoutLinkKey.main);
    expect(result.whoami).toMatchObject({ type: 'api_key', keyId: result.keyId, tier: 'organization' });
    expect(result.whoami.scopes).toEqual([...SCOPE_BUNDLES.checkoutLinks]);
    expect((await admin.apiKeys.get(result.keyId)).scopes).toEqual([...SCOPE_BUNDLES.checkoutLinks]);
    expectNoSecret(output, result.token);
    await expectCleanedUp(result.keyId, result.token);
  });

  it('billing-bridge: finds or creates the client, drafts an invoice with the bundle key', async () => {
    const first = await run(billingBridge.main, { CUSTOMER_EMAIL: 'grace@example.com', CUSTOMER_EXTERNAL_ID: 'crm-1906' });
    expect(first.result.scopes).toEqual([...SCOPE_BUNDLES.billingBridge]);
    expect(first.result.clientCreated).toBe(true);
    expect(first.result.client).toMatchObject({ email: 'grace@example.com', externalId: 'crm-1906' });
    expect(first.result.invoice).toMatchObject({
      status: 'draft',
      clientId: first.result.client.id,
      currency: 'EUR',
      totalAmount: 4900 + 3 * 900,
    });
    expect(await admin.invoices.get(first.result.invoice.id)).toMatchObject({ id: first.result.invoice.id, status: 'draft' });
    expectNoSecret(first.output, first.result.token);
    await expectCleanedUp(first.result.keyId, first.result.token);

    // Run again: the same customer is found, not duplicated.
    const second = await run(billingBridge.main, { CUSTOMER_EMAIL: 'grace@example.com', CUSTOMER_EXTERNAL_ID: 'crm-1906' });
    expect(second.result.clientCreated).toBe(false);
    expect(second.result.client.id).toBe(first.result.client.id);
    expect((await admin.clients.list({ externalId: 'crm-1906' })).total).toBe(1);
    await expectCleanedUp(second.result.keyId, second.result.token);
  });

  it('recurring-schedules: create, pause, resume, cancel with invoice:read/create/execute only', async () => {
    const { result, output } = await run(recurringSchedules.main, {
      CUSTOMER_EMAIL: 'linus@example.com',
      CUSTOMER_EXTERNAL_ID: 'crm-1969',
    });
    expect(result.scopes).toEqual([...SCOPE_BUNDLES.recurringSchedules]);
    expect(result.steps.map((s) => s.status)).toEqual(['active', 'paused', 'active', 'cancelled']);
    expect(new Set(result.steps.map((s) => s.id)).size).toBe(1);
    const stored = await admin.recurringSchedules.get(result.steps[0]!.id);
    expect(stored).toMatchObject({ status: 'cancelled', nextRunDate: null });
    expect(stored.cancelledAt).not.toBeNull();
    expectNoSecret(output, result.token);
    await expectCleanedUp(result.keyId, result.token);
  });

  it('portal-links: mints a single-use link with portal:create only, TTL capped by policy', async () => {
    const { result, output } = await run(portalLinks.main, { CUSTOMER_EMAIL: 'ada@example.com', CUSTOMER_EXTERNAL_ID: 'crm-1815' });
    expect(result.scopes).toEqual([...SCOPE_BUNDLES.portalLinks]);
    expect(result.invoice.status).toBe('issued');
    const policy = (await server.gateway.settings.get()).portal.magicLinkTtlMinutes;
    expect(result.requestedTtlMinutes).toBeGreaterThan(policy);
    expect(result.link.ttlMinutes).toBe(policy);
    const ttlMs = Date.parse(result.link.expiresAt) - Date.now();
    expect(ttlMs).toBeGreaterThan(0);
    expect(ttlMs).toBeLessThanOrEqual(policy * 60_000);
    // The token travels in the fragment, so link scanners cannot burn it.
    const token = new URL(result.link.url).hash.replace(/^#token=/, '');
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(output).toContain(result.link.url);
    expectNoSecret(output, result.token);
    await expectCleanedUp(result.keyId, result.token);

    // The customer redeems it once.
    const first = await server.request('POST', '/api/v1/portal/auth/magic-link', { body: { token } });
    expect(first.status).toBe(200);
    const replay = await server.request('POST', '/api/v1/portal/auth/magic-link', { body: { token } });
    expect(replay.status).toBe(401);
  });

  it('key-rotation: the function-valued client switches keys with no failed request; the old secret dies after grace', async () => {
    // Its own server on a clock the example's wait moves: a 1 s grace on the real clock raced
    // the requests made inside it on a loaded machine (the old secret had expired by then).
    let t = Date.now();
    const own = await startTestServer({ now: () => new Date(t) });
    try {
      const org = await own.createOrganization('Rotation Inc');
      const operator = await own.createOrgKey(org, OPERATOR_SCOPES, { name: 'rotation operator' });
      const lines: string[] = [];
      const result = await keyRotation.main(
        { GATEWAY_URL: own.url, GATEWAY_API_KEY: operator.token, ROTATION_GRACE_SECONDS: '1' },
        (line) => lines.push(line),
        {
          sleep: async (ms) => void (t += ms),
        },
      );
      const output = lines.join('\n');
      expect(result.oldSecretWorkedInGrace).toBe(true);
      expect(result.oldSecretAfterGrace).toBe('INVALID_CREDENTIALS');
      expect(result.newToken).not.toBe(result.oldToken);
      expect(result.liveClientRequests).toBe(3);
      expect(result.previousSecretExpiresAt).not.toBeNull();
      expectNoSecret(output, result.oldToken, result.newToken);
      const ownAdmin = new PaymentGateway({ apiKey: operator.token, baseUrl: own.url, maxRetries: 0 });
      expect((await ownAdmin.apiKeys.get(result.keyId)).status).toBe('revoked');
      const err = await new PaymentGateway({ apiKey: result.newToken, baseUrl: own.url, maxRetries: 0 }).whoami().catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
    } finally {
      await own.close();
    }
  });

  it('revoke-on-leak: the leaked token gets 401 API_KEY_REVOKED on every route', async () => {
    const { result, output } = await run(revokeOnLeak.main);
    expect(result.revoked).toMatchObject({ id: result.leakedKeyId, status: 'revoked', revokedReason: 'token leaked in a public issue' });
    expect(result.probes.length).toBeGreaterThanOrEqual(4);
    for (const probe of result.probes) expect(probe).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
    expect((await admin.apiKeys.get(result.replacementKeyId)).status).toBe('revoked');
    expectNoSecret(output, result.leakedToken);
    await expectCleanedUp(result.leakedKeyId, result.leakedToken);
  });
});
