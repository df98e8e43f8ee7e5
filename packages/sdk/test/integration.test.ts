// The SDK against the real reference server (embedded SQLite, free port): what a merchant's
// backend sees, end to end. Unit behaviour (retries, redaction, header paths) is tested with msw
// beside the sources; this file proves the SDK and the server agree.
import { API_KEY_TOKEN_REGEX, SCOPE_BUNDLES } from '@payment-gateway/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/harness.js';
import {
  ApiError,
  AuthenticationError,
  NotFoundError,
  PaymentGateway,
  PaymentGatewayConfigError,
  PermissionDeniedError,
  UnprocessableEntityError,
  ValidationError,
  type PaymentGatewayOptions,
} from '../src/index.js';

let server: TestServer;
let orgId: string;
/** An org key that manages keys and holds every bundle's scopes (what an operator creates with the CLI). */
let adminToken: string;
/** Every request that left an SDK client built by `client()`. */
let sent: Request[];

const ADMIN_SCOPES = ['api_key:*', ...new Set(Object.values(SCOPE_BUNDLES).flat())] as const;

function client(apiKey: PaymentGatewayOptions['apiKey'], options: Partial<PaymentGatewayOptions> = {}): PaymentGateway {
  return new PaymentGateway({
    apiKey,
    baseUrl: server.url,
    maxRetries: 0,
    fetch: (request, init) => {
      sent.push(request);
      return fetch(request, init);
    },
    ...options,
  });
}

/** The key id whoami reports (an API key's whoami; a session has none). */
async function whoamiKeyId(gw: PaymentGateway): Promise<string> {
  const me = await gw.whoami();
  if (me.type !== 'api_key') throw new Error('expected an API key');
  return me.keyId;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startTestServer();
  orgId = await server.createOrganization('SDK integration');
  adminToken = (await server.createOrgKey(orgId, ADMIN_SCOPES, { name: 'operator' })).token;
});
afterAll(async () => server?.close());
beforeEach(() => {
  sent = [];
});

describe('key lifecycle through the SDK', () => {
  it('create → use → rotate → old secret works in grace → revoke → every secret fails', async () => {
    const admin = client(adminToken);
    const created = await admin.apiKeys.create({ name: 'billing bridge', scopes: [...SCOPE_BUNDLES.billingBridge] });
    expect(created.token).toMatch(API_KEY_TOKEN_REGEX);
    expect(created.organizationId).toBe(orgId);
    expect(created.scopes).toEqual([...SCOPE_BUNDLES.billingBridge]);

    // use: the new key identifies itself
    const firstSecret = created.token;
    expect(await client(firstSecret).whoami()).toMatchObject({
      type: 'api_key',
      keyId: created.id,
      organizationId: orgId,
      scopes: created.scopes,
    });

    // rotate: same key id, new token, the old one still proves itself during the grace period
    const rotated = await admin.apiKeys.rotate(created.id, { gracePeriodSeconds: 3600 });
    expect(rotated.id).toBe(created.id);
    expect(rotated.token).not.toBe(firstSecret);
    expect(rotated.token).toMatch(API_KEY_TOKEN_REGEX);
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    expect(rotated.scopes).toEqual(created.scopes);
    expect(await whoamiKeyId(client(rotated.token))).toBe(created.id);
    expect(await whoamiKeyId(client(firstSecret))).toBe(created.id);

    // revoke: irreversible, both secrets stop working at once
    const revoked = await admin.apiKeys.revoke(created.id, { reason: 'integration test' });
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'integration test' });
    const current = await failure(client(rotated.token).whoami());
    expect(current).toBeInstanceOf(AuthenticationError);
    expect(current).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
    // The secret still in its grace period proves itself too, so it learns the key is revoked.
    const previous = await failure(client(firstSecret).whoami());
    expect(previous).toBeInstanceOf(AuthenticationError);
    expect(previous).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });

    // revoking again is a no-op, and get shows the final state without any secret
    expect((await admin.apiKeys.revoke(created.id)).status).toBe('revoked');
    const shown = await admin.apiKeys.get(created.id);
    expect(shown).toMatchObject({ id: created.id, status: 'revoked' });
    expect(JSON.stringify(shown)).not.toContain(rotated.token.split('.')[1]);
  });

  it('a function-valued apiKey picks up a rotated key without a new client', async () => {
    const admin = client(adminToken);
    const key = await admin.apiKeys.create({ name: 'rotating', scopes: ['invoice:read'] });
    let current = key.token;
    let calls = 0;
    const gw = client(async () => {
      calls++;
      return current;
    });
    expect(await whoamiKeyId(gw)).toBe(key.id);

    const rotated = await admin.apiKeys.rotate(key.id, { gracePeriodSeconds: 0 });
    // Grace 0: the old secret dies at once, so only the swap keeps this client working.
    expect(await failure(gw.whoami())).toBeInstanceOf(AuthenticationError);
    current = rotated.token;
    expect(await whoamiKeyId(gw)).toBe(key.id);
    expect(calls).toBe(3);
    const lastAuth = sent.at(-1)?.headers.get('authorization');
    expect(lastAuth).toBe(`Bearer ${rotated.token}`);
    await admin.apiKeys.revoke(key.id);
  });

  it('iterates every key across pages', async () => {
    const other = await server.createOrganization('paging');
    const manager = (await server.createOrgKey(other, ['api_key:*', 'invoice:read'], { name: 'manager' })).token;
    const gw = client(manager);
    const names = Array.from({ length: 5 }, (_, i) => `paged-${i}`);
    for (const name of names) await gw.apiKeys.create({ name, scopes: ['invoice:read'] });

    const firstPage = await gw.apiKeys.list({ limit: 2 });
    expect(firstPage).toMatchObject({ page: 1, limit: 2, total: 6 });
    expect(firstPage.items).toHaveLength(2);

    sent = [];
    const seen: string[] = [];
    for await (const key of gw.apiKeys.iterate({ limit: 2 })) seen.push(key.name);
    expect(seen.sort()).toEqual(['manager', ...names].sort());
    const pages = sent.map((r) => new URL(r.url).searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
  });
});

describe('errors map to typed classes', () => {
  it('PermissionDeniedError names the missing scope', async () => {
    const admin = client(adminToken);
    const narrow = await admin.apiKeys.create({ name: 'portal only', scopes: [...SCOPE_BUNDLES.portalLinks] });
    const err = await failure(client(narrow.token).apiKeys.list());
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect(err).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE', requiredScope: 'api_key:read' });
    expect((err as ApiError).requestId).toMatch(/^req_/);
    expect(String((err as Error).message)).not.toContain(narrow.token);
    await admin.apiKeys.revoke(narrow.id);
  });

  it('NotFoundError for a key that does not exist', async () => {
    const err = await failure(client(adminToken).apiKeys.get('A'.repeat(22)));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('ValidationError with details for an invalid body and for unknown scopes', async () => {
    const admin = client(adminToken);
    const invalid = await failure(admin.apiKeys.create({ name: '', scopes: ['invoice:read'] }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((invalid as ApiError).details?.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('name') })]),
    );

    const unknown = await failure(admin.apiKeys.create({ name: 'x', scopes: ['recurring:read' as never] }));
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown).toMatchObject({ status: 400, code: 'UNKNOWN_SCOPE', details: { invalid: ['recurring:read'] } });
    expect((unknown as ApiError).details?.validScopes).toEqual(expect.arrayContaining(['invoice:execute']));
  });

  it('a scope the caller does not hold cannot be granted (no escalation)', async () => {
    const err = await failure(client(adminToken).apiKeys.create({ name: 'escalate', scopes: ['transaction:execute'] }));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'SCOPE_ESCALATION' });
  });
});

describe('billing and portal links through the SDK', () => {
  it('mints a portal link with portal:create alone, TTL capped by policy, for a customer with an issued invoice', async () => {
    const admin = client(adminToken);
    const customer = await admin.clients.create({ email: 'ada@example.com', name: 'Ada', externalId: 'crm-sdk-1' });
    const draft = await admin.invoices.create({
      clientId: customer.id,
      currency: 'EUR',
      lines: [{ description: 'Plan', quantity: 1, unitAmount: 4900 }],
    });
    expect(draft).toMatchObject({ status: 'draft', number: null });
    const issued = await admin.invoices.issue(draft.id);
    expect(issued.status).toBe('issued');
    expect(issued.number).not.toBeNull();

    const portalKey = await admin.apiKeys.create({ name: 'portal links', scopes: [...SCOPE_BUNDLES.portalLinks] });
    const gw = client(portalKey.token);
    const policy = (await server.gateway.settings.get()).portal.magicLinkTtlMinutes;

    const short = await gw.portal.createMagicLink({ email: 'ada@example.com', ttlMinutes: 5 });
    expect(short.ttlMinutes).toBe(Math.min(5, policy));
    expect(new URL(short.url).hash).toMatch(/^#token=/);
    const long = await gw.portal.createMagicLink({ email: 'ada@example.com', ttlMinutes: policy * 10 });
    expect(long.ttlMinutes).toBe(policy);
    expect(Date.parse(long.expiresAt) - Date.now()).toBeLessThanOrEqual(policy * 60_000);

    const nothing = await failure(gw.portal.createMagicLink({ email: 'nobody@example.com' }));
    expect(nothing).toBeInstanceOf(UnprocessableEntityError);
    expect(nothing).toMatchObject({ status: 422, code: 'PORTAL_NOTHING_TO_SHOW' });

    // portal:create is all it holds: it cannot read the invoices it links to.
    const denied = await failure(gw.invoices.list());
    expect(denied).toMatchObject({ status: 403, code: 'INSUFFICIENT_SCOPE', requiredScope: 'invoice:read' });
    await admin.apiKeys.revoke(portalKey.id);
  });

  it('NotFoundError for an invoice of the right shape that does not exist', async () => {
    const err = await failure(client(adminToken).invoices.get(`inv_${'A'.repeat(20)}`));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});

describe('X-Organization-ID never reaches the server', () => {
  it.each(['X-Organization-ID', 'x-organization-id', 'X-ORGANIZATION-ID'])('refuses %s in constructor headers', (name) => {
    expect(() => client(adminToken, { headers: { [name]: orgId } })).toThrow(PaymentGatewayConfigError);
    expect(sent).toHaveLength(0);
  });

  it('refuses it in per-call headers before any request, on every resource', async () => {
    const gw = client(adminToken);
    sent = [];
    const calls = [
      () => gw.whoami({ headers: { 'x-organization-id': orgId } }),
      () => gw.apiKeys.list({}, { organizationId: orgId, headers: { 'X-Organization-Id': orgId } }),
      () =>
        gw.apiKeys.create(
          { name: 'x', scopes: ['invoice:read'] },
          { organizationId: orgId, headers: new Headers({ 'x-organization-id': orgId }) },
        ),
      () => gw.clients.list({}, { headers: [['X-ORGANIZATION-ID', orgId]] }),
      () => gw.portal.createMagicLink({ email: 'ada@example.com' }, { headers: { ' x-organization-id ': orgId } }),
    ];
    for (const call of calls) {
      const err = await failure(call());
      expect(err).toBeInstanceOf(PaymentGatewayConfigError);
      expect(err).toMatchObject({ code: 'ORGANIZATION_HEADER_NOT_ALLOWED' });
    }
    expect(sent).toHaveLength(0);
  });

  it('and the server itself refuses the header with 400 (what the SDK protects you from)', async () => {
    const res = await server.request('GET', '/api/v1/auth/whoami', { token: adminToken, headers: { 'X-Organization-ID': orgId } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ORGANIZATION_HEADER_NOT_ALLOWED');
  });
});
