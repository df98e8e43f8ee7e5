// Runs every example against a real server started here (embedded SQLite, free port), exactly as
// a newcomer would run it, so the examples can never rot. Each example's return value is checked
// against what the server now holds, and every key an example creates must be revoked at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, PaymentGateway, SCOPE_BUNDLES } from '@payment-gateway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../packages/server/test/harness.js';
import * as billingBridge from './billing-bridge.js';
import * as checkoutLinkKey from './checkout-link-key.js';
import * as exportClients from './export-clients.js';
import * as keyRotation from './key-rotation.js';
import * as portalLinks from './portal-links.js';
import * as refunds from './refunds.js';
import * as recurringSchedules from './recurring-schedules.js';
import * as revokeOnLeak from './revoke-on-leak.js';
import { cachedKey, keyFromEnv, keyFromFile, keyFromVault } from './key-sources.js';
import * as secretStoreRotation from './secret-store-rotation.js';
import { startVaultStandIn, type VaultStandIn } from './vault-stand-in.js';
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

  it('checkout-link-key: a checkout:create-only key creates a checkout whose paymentUrl opens the payment page', async () => {
    const { result, output } = await run(checkoutLinkKey.main);
    expect(result.whoami).toMatchObject({ type: 'api_key', keyId: result.keyId, tier: 'organization' });
    expect(result.whoami.scopes).toEqual([...SCOPE_BUNDLES.checkoutLinks]);
    expect((await admin.apiKeys.get(result.keyId)).scopes).toEqual([...SCOPE_BUNDLES.checkoutLinks]);
    expect(result.readRefused).toBe(true);
    expect(result.checkout.paymentUrl).toBe(`${server.url}/checkout/${result.checkout.shortCode}`);
    expect(output).toContain(result.checkout.paymentUrl);
    const page = await fetch(result.checkout.paymentUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of ['Storefront', 'Analytical Engine manual', '€54.00', 'Pay €54.00']) expect(html).toContain(text);
    // Running it again reuses the storefront site.
    const again = await run(checkoutLinkKey.main);
    expect(again.result.siteId).toBe(result.siteId);
    expectNoSecret(output, result.token);
    await expectCleanedUp(result.keyId, result.token);
    await expectCleanedUp(again.result.keyId, again.result.token);
  });

  it('refunds: a transaction:read + transaction:execute key refunds partly, then the rest, never more', async () => {
    const { result, output } = await run(refunds.main);
    expect((await admin.apiKeys.get(result.keyId)).scopes).toEqual([...refunds.REFUND_SCOPES]);
    expect(result.partial.transaction).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });
    expect(result.rest.transaction).toMatchObject({ status: 'refunded', refundedAmount: 12000 });
    expect(result.rest.creditNote.amount).toBe(10000);
    expect(result.refusedCode).toBe('REFUND_EXCEEDS_CAPTURED');
    expect(await admin.transactions.get(result.transaction.id)).toMatchObject({ status: 'refunded', refundedAmount: 12000 });
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

  it('export-clients: streams the clients CSV with a data_io:execute-only key, to a file or chunk by chunk', async () => {
    await admin.clients.create({ email: 'export@example.com', name: '=SUM(1,2)', externalId: 'crm-export' });
    const dir = mkdtempSync(join(tmpdir(), 'gw-export-'));
    try {
      const file = join(dir, 'clients.csv');
      const toFile = await run(exportClients.main, { EXPORT_FILE: file });
      expect(toFile.result.scopes).toEqual(['data_io:execute']);
      const csv = readFileSync(file, 'utf8');
      expect(csv.split('\r\n')[0]).toBe('id,email,name,externalId,createdAt,updatedAt');
      expect(csv).toContain(`,export@example.com,"'=SUM(1,2)",crm-export,`);
      expect(Buffer.byteLength(csv)).toBe(toFile.result.bytes);
      expect(toFile.result.filename).toMatch(/^clients-.*\.csv$/);
      expectNoSecret(toFile.output, toFile.result.token);
      await expectCleanedUp(toFile.result.keyId, toFile.result.token);

      const chunks = await run(exportClients.main);
      expect(chunks.result.header).toBe('id,email,name,externalId,createdAt,updatedAt');
      expect(chunks.result.bytes).toBe(toFile.result.bytes);
      await expectCleanedUp(chunks.result.keyId, chunks.result.token);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
    // The printed link opens the server's own portal page (SPEC §12), on the port it listens on.
    expect(result.link.url.startsWith(`${server.url}/portal/login#token=`)).toBe(true);
    const page = await fetch(result.link.url.replace(/#.*$/, ''));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/portal/assets/portal.js');
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

  describe('secret-store-rotation: one running client follows a rotation through its secret store', () => {
    let vault: VaultStandIn;
    beforeAll(async () => {
      vault = await startVaultStandIn();
    });
    afterAll(async () => vault?.close());

    it.each(['file', 'env', 'vault'] as const)('KEY_SOURCE=%s', async (source) => {
      // Its own server on a clock the example's wait moves, as in key-rotation.
      let t = Date.now();
      const own = await startTestServer({ now: () => new Date(t) });
      const keyDir = mkdtempSync(join(tmpdir(), 'examples-key-file-'));
      try {
        const org = await own.createOrganization('Secret Store Inc');
        const operator = await own.createOrgKey(org, OPERATOR_SCOPES, { name: 'secret store operator' });
        const extra: Record<string, string> =
          source === 'file'
            ? { API_KEY_FILE: join(keyDir, 'api-key') }
            : source === 'vault'
              ? { VAULT_ADDR: vault.address, VAULT_TOKEN: vault.token, VAULT_SECRET_PATH: 'payment-gateway/billing-bridge' }
              : {};
        const exampleEnv: Record<string, string | undefined> = {
          GATEWAY_URL: own.url,
          GATEWAY_API_KEY: operator.token,
          ROTATION_GRACE_SECONDS: '1',
          KEY_SOURCE: source,
          ...extra,
        };
        const lines: string[] = [];
        const vaultReadsBefore = vault.reads.get('payment-gateway/billing-bridge') ?? 0;
        const result = await secretStoreRotation.main(exampleEnv, (line) => lines.push(line), { sleep: async (ms) => void (t += ms) });
        expect(result).toMatchObject({
          source,
          callsBeforeRotation: 2,
          callsInGrace: 2,
          callsAfterGrace: 2,
          keyIdAfterGrace: result.keyId,
        });
        // Read at start and once more after the 401 that ended the grace period: no re-read per request.
        expect(result.storeReads).toBe(2);
        if (source === 'vault') expect((vault.reads.get('payment-gateway/billing-bridge') ?? 0) - vaultReadsBefore).toBe(2);
        if (source === 'file') expect(readFileSync(extra.API_KEY_FILE!, 'utf8')).toBe(`${result.newToken}\n`);
        expect(result.newToken).not.toBe(result.oldToken);
        const err = await new PaymentGateway({ apiKey: result.oldToken, baseUrl: own.url, maxRetries: 0 })
          .whoami()
          .catch((e: unknown) => e);
        expect(err).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
        const ownAdmin = new PaymentGateway({ apiKey: operator.token, baseUrl: own.url, maxRetries: 0 });
        expect((await ownAdmin.apiKeys.get(result.keyId)).status).toBe('revoked');
        expectNoSecret(lines.join('\n'), result.oldToken, result.newToken, operator.token);
      } finally {
        rmSync(keyDir, { recursive: true, force: true });
        await own.close();
      }
    });

    it('a 401 that is not a rotation (revoked key, store unchanged) is read once more and then thrown, not looped', async () => {
      const key = await admin.apiKeys.create({ name: 'to revoke', scopes: ['client:read'] });
      let reads = 0;
      const secret = cachedKey(async () => (reads++, key.token));
      const gw = new PaymentGateway({ apiKey: secret.apiKey, fetch: secret.fetch, baseUrl: server.url, maxRetries: 0 });
      await gw.whoami();
      await admin.apiKeys.revoke(key.id, { reason: 'test' });
      const err = await gw.whoami().catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
      expect(reads).toBe(2);
    });

    it('the readers: a file loses one trailing newline; env and <NAME>_FILE, never both; Vault errors name the path, not the token', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'examples-readers-'));
      try {
        const file = join(dir, 'key');
        writeFileSync(file, 'sk_from_file\n');
        expect(await keyFromFile(file)()).toBe('sk_from_file');
        expect(await keyFromEnv({ K: 'sk_direct' }, 'K')()).toBe('sk_direct');
        expect(await keyFromEnv({ K_FILE: file }, 'K')()).toBe('sk_from_file');
        await expect(keyFromEnv({ K: 'x', K_FILE: file }, 'K')()).rejects.toThrow('Set K or K_FILE, not both.');
        await expect(keyFromEnv({}, 'K')()).rejects.toThrow(/Set K/);
        const wrong = keyFromVault({ address: vault.address, token: 'hvs.not-the-token', path: 'payment-gateway/billing-bridge' });
        const error = (await wrong().catch((e: unknown) => e)) as Error;
        expect(error.message).toBe('Vault answered 403 reading secret/payment-gateway/billing-bridge: permission denied');
        await expect(keyFromVault({ address: vault.address, token: vault.token, path: 'nothing/here' })()).rejects.toThrow(
          'Vault answered 404 reading secret/nothing/here',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
