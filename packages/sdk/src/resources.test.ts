import { describe, expect, it } from 'vitest';
import { PaymentGateway } from './client.js';
import { NotFoundError, PaymentGatewayConfigError } from './errors.js';
import { BASE_URL, errorBody, http, HttpResponse, KEY, ORG_ID, seen, server, useMsw, whoamiHandler } from './test-support/msw.js';

useMsw();
const url = (path: string) => `${BASE_URL}/api/v1${path}`;
const KEY_ID = 'A'.repeat(22);
const gwFor = () => new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 0 });

function pagesOf<T>(all: T[]) {
  return ({ request }: { request: Request }) => {
    const q = new URL(request.url).searchParams;
    const page = Number(q.get('page') ?? 1);
    const limit = Number(q.get('limit') ?? 20);
    return HttpResponse.json({ items: all.slice((page - 1) * limit, page * limit), total: all.length, page, limit });
  };
}

describe('apiKeys', () => {
  it("defaults to the calling key's organization, asked of whoami once", async () => {
    let whoamiCalls = 0;
    server.use(
      http.get(url('/auth/whoami'), () => {
        whoamiCalls++;
        return HttpResponse.json({
          type: 'api_key',
          keyId: KEY_ID,
          name: 'k',
          tier: 'organization',
          organizationId: ORG_ID,
          scopes: [],
          expiresAt: null,
        });
      }),
      http.get(url('/organizations/:orgId/api-keys'), pagesOf([])),
      http.get(url('/organizations/:orgId/api-keys/:keyId'), ({ params }) => HttpResponse.json({ id: params.keyId })),
    );
    const gw = gwFor();
    await Promise.all([gw.apiKeys.list(), gw.apiKeys.get(KEY_ID)]);
    await gw.apiKeys.list({ status: 'active' });
    expect(whoamiCalls).toBe(1);
    const paths = seen.filter((r) => !r.url.includes('whoami')).map((r) => new URL(r.url).pathname);
    expect(paths).toEqual(
      expect.arrayContaining([`/api/v1/organizations/${ORG_ID}/api-keys`, `/api/v1/organizations/${ORG_ID}/api-keys/${KEY_ID}`]),
    );
  });

  it('uses an explicit organizationId without asking whoami', async () => {
    const other = 'org_ZYXWVUTSRQPONMLKJIH';
    server.use(
      http.post(url('/organizations/:orgId/api-keys/:keyId/revoke'), async ({ params, request }) =>
        HttpResponse.json({ org: params.orgId, body: await request.json() }),
      ),
    );
    const gw = gwFor();
    await expect(gw.apiKeys.revoke(KEY_ID, { reason: 'leaked' }, { organizationId: other })).resolves.toEqual({
      org: other,
      body: { reason: 'leaked' },
    });
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual([`/api/v1/organizations/${other}/api-keys/${KEY_ID}/revoke`]);
  });

  it('asks a system key for an explicit organization', async () => {
    server.use(whoamiHandler(null));
    await expect(gwFor().apiKeys.list()).rejects.toMatchObject({ name: 'PaymentGatewayConfigError', code: 'ORGANIZATION_UNKNOWN' });
  });

  it('does not cache a failed whoami', async () => {
    server.use(
      http.get(url('/auth/whoami'), () => errorBody('INTERNAL_ERROR', 500), { once: true }),
      whoamiHandler(),
      http.delete(url('/organizations/:orgId/api-keys/:keyId'), () => new HttpResponse(null, { status: 204 })),
    );
    const gw = gwFor();
    await expect(gw.apiKeys.delete(KEY_ID)).rejects.toMatchObject({ status: 500 });
    await expect(gw.apiKeys.delete(KEY_ID)).resolves.toBeUndefined();
  });

  it("usage(): the calling key's organization by default, retried like every read (a 503, then the answer)", async () => {
    const usage = { keyId: KEY_ID, from: 'f', to: 't', totals: { accepted: 3, refused: 1 }, hours: [] };
    server.use(
      whoamiHandler(),
      http.get(url('/organizations/:orgId/api-keys/:keyId/usage'), () => errorBody('SERVICE_UNAVAILABLE', 503), { once: true }),
      http.get(url('/organizations/:orgId/api-keys/:keyId/usage'), () => HttpResponse.json(usage)),
    );
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL, maxRetries: 1 });
    await expect(gw.apiKeys.usage(KEY_ID)).resolves.toEqual(usage);
    const usagePath = `/api/v1/organizations/${ORG_ID}/api-keys/${KEY_ID}/usage`;
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual(['/api/v1/auth/whoami', usagePath, usagePath]);
  });

  it('encodes path parameters and refuses empty ones', async () => {
    server.use(http.get(url('/organizations/:orgId/api-keys/:keyId'), () => errorBody('NOT_FOUND', 404)));
    const gw = gwFor();
    await expect(gw.apiKeys.get('../../system/api-keys', { organizationId: ORG_ID })).rejects.toBeInstanceOf(NotFoundError);
    expect(new URL(seen[0]!.url).pathname).toBe(`/api/v1/organizations/${ORG_ID}/api-keys/..%2F..%2Fsystem%2Fapi-keys`);
    await expect(gw.apiKeys.revoke('', {}, { organizationId: ORG_ID })).rejects.toBeInstanceOf(PaymentGatewayConfigError);
    expect(seen).toHaveLength(1);
  });
});

describe('pagination', () => {
  it('iterate() walks every page lazily', async () => {
    const all = Array.from({ length: 45 }, (_, i) => ({ id: `cli_${String(i).padStart(16, '0')}` }));
    server.use(http.get(url('/clients'), pagesOf(all)));
    const gw = gwFor();
    const ids: string[] = [];
    for await (const c of gw.clients.iterate({ limit: 20, email: 'a@example.com' })) ids.push(c.id);
    expect(ids).toEqual(all.map((c) => c.id));
    expect(seen.map((r) => new URL(r.url).searchParams.get('page'))).toEqual(['1', '2', '3']);
    expect(new URL(seen[0]!.url).searchParams.get('email')).toBe('a@example.com');

    seen.length = 0;
    for await (const c of gw.clients.iterate({ limit: 20 })) {
      expect(c.id).toBe(all[0]!.id);
      break;
    }
    expect(seen).toHaveLength(1);
  });

  it('list() returns one page', async () => {
    server.use(http.get(url('/invoices/recurring'), pagesOf([{ id: 'rec_1' }, { id: 'rec_2' }])));
    await expect(gwFor().recurringSchedules.list({ limit: 1, page: 2 })).resolves.toEqual({
      items: [{ id: 'rec_2' }],
      total: 2,
      page: 2,
      limit: 1,
    });
  });
});

describe('resources reach the contract routes', () => {
  it.each([
    [
      'portal.createMagicLink',
      'POST',
      '/organizations/settings/portal/magic-links',
      (gw: PaymentGateway) => gw.portal.createMagicLink({ email: 'a@example.com' }),
    ],
    ['recurringSchedules.pause', 'POST', '/invoices/recurring/rec_1/pause', (gw: PaymentGateway) => gw.recurringSchedules.pause('rec_1')],
    ['invoices.issue', 'POST', '/invoices/inv_1/issue', (gw: PaymentGateway) => gw.invoices.issue('inv_1')],
    [
      'system.organizations.offboard',
      'DELETE',
      `/system/organizations/${ORG_ID}`,
      (gw: PaymentGateway) => gw.system.organizations.offboard(ORG_ID),
    ],
    ['system.settings.update', 'PUT', '/system/settings', (gw: PaymentGateway) => gw.system.settings.update({ portal: { enabled: true } })],
    [
      'organization.settings.update',
      'PATCH',
      '/organizations/settings',
      (gw: PaymentGateway) => gw.organization.settings.update({ portalEnabled: true }),
    ],
    [
      'systemApiKeys.rotate',
      'POST',
      `/system/api-keys/${KEY_ID}/rotate`,
      (gw: PaymentGateway) => gw.systemApiKeys.rotate(KEY_ID, { gracePeriodSeconds: 0 }),
    ],
  ])('%s → %s %s', async (_, method, path, call) => {
    server.use(http.all(url('/*'), () => HttpResponse.json({ ok: true })));
    await expect(call(gwFor())).resolves.toEqual({ ok: true });
    expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([`${method} /api/v1${path}`]);
  });

  it('system.health returns a degraded (503) report instead of throwing', async () => {
    const report = { status: 'degraded' };
    server.use(http.get(url('/system/health'), () => HttpResponse.json(report, { status: 503 })));
    await expect(new PaymentGateway({ apiKey: KEY, baseUrl: BASE_URL }).system.health()).resolves.toEqual(report);
    expect(seen).toHaveLength(1);
  });
});
