import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActions, createBillingOrg, manualClock, setPortalPolicy, tokenOf, type BillingOrg } from './billing-fixtures.js';
import { DIALECTS, OPERATOR, startTestServer, type TestServer } from './harness.js';

const MINT = '/api/v1/organizations/settings/portal/magic-links';
const CONSUME = '/api/v1/portal/auth/magic-link';

describe.each(DIALECTS)('customer portal magic links (%s)', (dialect) => {
  const clock = manualClock();
  let server: TestServer;
  let acme: BillingOrg;
  let portalKey: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect, now: clock.now, env: { PORTAL_BASE_URL: 'https://billing.example.com/' } });
    acme = await createBillingOrg(server, 'Acme');
    portalKey = (await server.createOrgKey(acme.organizationId, ['portal:create'])).token;
    await acme.customerWithIssuedInvoice('alice@example.com');
  });
  afterAll(async () => server?.close());

  const mint = (body: unknown, token = portalKey) => server.request('POST', MINT, { token, body });
  const consume = (token: string) => server.request('POST', CONSUME, { body: { token } });
  async function sessionFor(email: string, key = portalKey) {
    const link = await mint({ email }, key);
    expect(link.status).toBe(201);
    const res = await consume(tokenOf(link.body.url));
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  describe('minting', () => {
    it('mints with portal:create alone: a 256-bit token in the URL fragment of the configured portal', async () => {
      const res = await mint({ email: 'Alice@Example.com' });
      expect(res.status).toBe(201);
      expect(res.body.url).toMatch(/^https:\/\/billing\.example\.com\/portal\/login#token=pml_[0-9A-Za-z]{43}$/);
      expect(res.body.ttlMinutes).toBe(15);
      expect(res.body.expiresAt).toBe(new Date(clock.now().getTime() + 15 * 60_000).toISOString());
    });

    it('stores only a hash of the token, and never puts it in audit events', async () => {
      const res = await mint({ email: 'alice@example.com' });
      const token = tokenOf(res.body.url);
      const rows = await server.gateway.database.db.selectFrom('magic_links').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));
      const audit = await auditActions(server, acme.organizationId);
      expect(audit.map((a) => a.action)).toContain('portal.magic_link.minted');
      expect(JSON.stringify(audit)).not.toContain(token.slice(4));
    });

    it('TTL: omitted → policy, shorter → honoured, longer → capped; policy changes affect new links only', async () => {
      expect((await mint({ email: 'alice@example.com' })).body.ttlMinutes).toBe(15);
      expect((await mint({ email: 'alice@example.com', ttlMinutes: 5 })).body.ttlMinutes).toBe(5);
      const capped = await mint({ email: 'alice@example.com', ttlMinutes: 600 });
      expect(capped.body.ttlMinutes).toBe(15);
      expect(capped.body.expiresAt).toBe(new Date(clock.now().getTime() + 15 * 60_000).toISOString());

      const before = await mint({ email: 'alice@example.com' });
      await setPortalPolicy(server, { magicLinkTtlMinutes: 30 });
      try {
        expect((await mint({ email: 'alice@example.com' })).body.ttlMinutes).toBe(30);
        expect((await mint({ email: 'alice@example.com', ttlMinutes: 600 })).body.ttlMinutes).toBe(30);
        // The link minted under the old policy keeps its 15 minutes: after 20 it is dead.
        const after = await mint({ email: 'alice@example.com' });
        clock.advanceMinutes(20);
        expect((await consume(tokenOf(before.body.url))).status).toBe(401);
        expect((await consume(tokenOf(after.body.url))).status).toBe(200);
      } finally {
        await setPortalPolicy(server, { magicLinkTtlMinutes: 15 });
      }
    });

    // A schema failure is VALIDATION_FAILED like on every other route (SPEC §7.1, issue #11).
    it.each([0, -1, -5, 1.5, 'x', '10', null, true, [5], { m: 5 }])(
      'refuses ttlMinutes %j with 400 VALIDATION_FAILED naming the field',
      async (ttlMinutes) => {
        const res = await mint({ email: 'alice@example.com', ttlMinutes });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(res.body.details.issues.map((i: { path: string }) => i.path)).toContain('body.ttlMinutes');
        expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
      },
    );

    it('refuses a bad email or unknown fields with VALIDATION_FAILED', async () => {
      expect((await mint({ email: 'not-an-email' })).body.code).toBe('VALIDATION_FAILED');
      expect((await mint({ email: 'alice@example.com', organizationId: acme.organizationId })).body.code).toBe('VALIDATION_FAILED');
    });

    it('answers 422 with a specific code for each closed door', async () => {
      const cases: [Parameters<typeof setPortalPolicy>[1], string][] = [
        [{ enabled: false }, 'PORTAL_DISABLED'],
        [{ magicLinksEnabled: false }, 'MAGIC_LINKS_DISABLED'],
      ];
      for (const [policy, code] of cases) {
        await setPortalPolicy(server, policy);
        try {
          const res = await mint({ email: 'alice@example.com' });
          expect(res.status).toBe(422);
          expect(res.body.code).toBe(code);
        } finally {
          await setPortalPolicy(server, { enabled: true, magicLinksEnabled: true });
        }
      }
      await server.gateway.organizations.update(acme.organizationId, { portalEnabled: false }, OPERATOR);
      try {
        const res = await mint({ email: 'alice@example.com' });
        expect(res.status).toBe(422);
        expect(res.body.code).toBe('ORGANIZATION_PORTAL_DISABLED');
      } finally {
        await server.gateway.organizations.update(acme.organizationId, { portalEnabled: true }, OPERATOR);
      }
    });

    it('answers 422 PORTAL_NOTHING_TO_SHOW unless the email has an issued invoice or an active schedule', async () => {
      expect((await mint({ email: 'nobody@example.com' })).body.code).toBe('PORTAL_NOTHING_TO_SHOW');
      const draftOnly = await acme.createClient('draft@example.com');
      await acme.createInvoice(draftOnly);
      expect((await mint({ email: 'draft@example.com' })).body.code).toBe('PORTAL_NOTHING_TO_SHOW');

      const subscriber = await acme.createClient('subscriber@example.com');
      const schedule = await acme.createSchedule(subscriber, '2030-02-01');
      expect((await mint({ email: 'subscriber@example.com' })).status).toBe(201);
      await server.request('POST', `/api/v1/invoices/recurring/${schedule}/pause`, { token: acme.token });
      expect((await mint({ email: 'subscriber@example.com' })).body.code).toBe('PORTAL_NOTHING_TO_SHOW');
    });
  });

  describe('redeeming', () => {
    it('exchanges a link for a portal session once; a replay is 401 and audited', async () => {
      const link = await mint({ email: 'alice@example.com' });
      const token = tokenOf(link.body.url);
      const first = await consume(token);
      expect(first.status).toBe(200);
      expect(first.body.token).toMatch(/^pst_[0-9A-Za-z]{43}$/);
      expect(first.body.expiresAt).toBe(new Date(clock.now().getTime() + 60 * 60_000).toISOString());
      const replay = await consume(token);
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('MAGIC_LINK_INVALID');
      const actions = (await auditActions(server, acme.organizationId)).map((a) => a.action);
      expect(actions).toContain('portal.magic_link.consumed');
      expect(actions).toContain('portal.magic_link.replayed');
      const sessions = await server.gateway.database.db.selectFrom('portal_sessions').selectAll().execute();
      expect(JSON.stringify(sessions)).not.toContain(first.body.token.slice(4));
    });

    it('of 20 concurrent redemptions of one link exactly one wins', async () => {
      const link = await mint({ email: 'alice@example.com' });
      const token = tokenOf(link.body.url);
      const results = await Promise.all(Array.from({ length: 20 }, () => consume(token)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 401 && r.body.code === 'MAGIC_LINK_INVALID')).toHaveLength(19);
    });

    it('refuses an expired link (controllable clock)', async () => {
      const link = await mint({ email: 'alice@example.com', ttlMinutes: 2 });
      clock.advanceMinutes(2);
      const res = await consume(tokenOf(link.body.url));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('MAGIC_LINK_INVALID');
    });

    it('accepts a link one minute before it expires', async () => {
      const link = await mint({ email: 'alice@example.com', ttlMinutes: 2 });
      clock.advanceMinutes(1);
      expect((await consume(tokenOf(link.body.url))).status).toBe(200);
    });

    it.each(['', 'pml_short', `pml_${'a'.repeat(43)}`, `pst_${'a'.repeat(43)}`, 'x'.repeat(200)])(
      'answers 401 MAGIC_LINK_INVALID to %j',
      async (token) => {
        const res = await consume(token);
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('MAGIC_LINK_INVALID');
      },
    );

    it('refuses a link once the portal is switched off, without burning it', async () => {
      const link = await mint({ email: 'alice@example.com' });
      await setPortalPolicy(server, { enabled: false });
      try {
        expect((await consume(tokenOf(link.body.url))).status).toBe(401);
      } finally {
        await setPortalPolicy(server, { enabled: true });
      }
      expect((await consume(tokenOf(link.body.url))).status).toBe(200);
    });
  });

  describe('portal session', () => {
    it('shows the session and only that email’s issued invoices of that organization', async () => {
      const globex = await createBillingOrg(server, 'Globex');
      const globexInvoice = await globex.customerWithIssuedInvoice('carol@example.com');
      const carol = await acme.customerWithIssuedInvoice('carol@example.com');
      const carolDraft = await acme.createInvoice(carol.clientId);
      await acme.customerWithIssuedInvoice('dave@example.com');

      const session = await sessionFor('carol@example.com');
      const me = await server.request('GET', '/api/v1/portal/session', { token: session });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: 'carol@example.com', organizationId: acme.organizationId, hasSubscriptions: false });

      const invoices = await server.request('GET', '/api/v1/portal/invoices', { token: session });
      expect(invoices.status).toBe(200);
      expect(invoices.body.total).toBe(1);
      expect(invoices.body.items.map((i: { id: string }) => i.id)).toEqual([carol.invoiceId]);
      expect(JSON.stringify(invoices.body)).not.toContain(globexInvoice.invoiceId);
      expect(JSON.stringify(invoices.body)).not.toContain(carolDraft);

      // A Globex link for the same email opens Globex's invoices only.
      const globexPortalKey = (await server.createOrgKey(globex.organizationId, ['portal:create'])).token;
      const globexSession = await sessionFor('carol@example.com', globexPortalKey);
      const globexList = await server.request('GET', '/api/v1/portal/invoices', { token: globexSession });
      expect(globexList.body.items.map((i: { id: string }) => i.id)).toEqual([globexInvoice.invoiceId]);
    });

    it('reports subscriptions', async () => {
      const client = await acme.createClient('erin@example.com');
      await acme.createSchedule(client, '2030-03-01', 'yearly');
      const session = await sessionFor('erin@example.com');
      const me = await server.request('GET', '/api/v1/portal/session', { token: session });
      expect(me.body.hasSubscriptions).toBe(true);
    });

    it("lists the email's active recurring schedules in its organization only (SPEC §12)", async () => {
      const frank = await acme.createClient('frank@example.com');
      const active = await acme.createSchedule(frank, '2030-03-01', 'monthly');
      const paused = await acme.createSchedule(frank, '2030-04-01', 'weekly');
      const cancelled = await acme.createSchedule(frank, '2030-05-01', 'yearly');
      expect((await server.request('POST', `/api/v1/invoices/recurring/${paused}/pause`, { token: acme.token })).status).toBe(200);
      expect((await server.request('POST', `/api/v1/invoices/recurring/${cancelled}/cancel`, { token: acme.token })).status).toBe(200);
      const other = await acme.createSchedule(await acme.createClient('grace@example.com'), '2030-03-01');
      const globex = await createBillingOrg(server, 'Globex-schedules');
      const globexSchedule = await globex.createSchedule(await globex.createClient('frank@example.com'), '2030-03-01');

      const session = await sessionFor('frank@example.com');
      const res = await server.request('GET', '/api/v1/portal/recurring-schedules', { token: session });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(1);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([active]);
      expect(res.body.items[0]).toMatchObject({ status: 'active', interval: 'monthly', currency: 'EUR' });
      for (const hidden of [paused, cancelled, other, globexSchedule]) expect(JSON.stringify(res.body)).not.toContain(hidden);
      expect((await server.request('GET', '/api/v1/portal/recurring-schedules?limit=0', { token: session })).status).toBe(400);
      expect((await server.request('GET', '/api/v1/portal/recurring-schedules', { token: acme.token })).body.code).toBe(
        'INVALID_CREDENTIALS',
      );
      expect((await server.request('GET', '/api/v1/portal/recurring-schedules')).status).toBe(401);
    });

    it('is refused on Admin API routes, and API keys are refused on portal routes', async () => {
      const session = await sessionFor('alice@example.com');
      for (const [method, path] of [
        ['GET', '/api/v1/invoices'],
        ['GET', '/api/v1/clients'],
        ['POST', MINT],
        ['GET', '/api/v1/auth/whoami'],
        ['GET', `/api/v1/organizations/${acme.organizationId}/api-keys`],
      ] as const) {
        const res = await server.request(method, path, {
          token: session,
          body: method === 'POST' ? { email: 'alice@example.com' } : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      for (const path of ['/api/v1/portal/session', '/api/v1/portal/invoices']) {
        const res = await server.request('GET', path, { token: acme.token });
        expect(res.status, path).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
      }
      expect((await server.request('GET', '/api/v1/portal/session')).status).toBe(401);
    });

    it('logout ends the session', async () => {
      const session = await sessionFor('alice@example.com');
      expect((await server.request('POST', '/api/v1/portal/auth/logout', { token: session })).status).toBe(204);
      const res = await server.request('GET', '/api/v1/portal/session', { token: session });
      expect(res.status).toBe(401);
      expect((await server.request('GET', '/api/v1/portal/invoices', { token: session })).status).toBe(401);
    });

    it('expires after sessionTtlMinutes, and dies when the organization portal is switched off', async () => {
      const session = await sessionFor('alice@example.com');
      clock.advanceMinutes(59);
      expect((await server.request('GET', '/api/v1/portal/session', { token: session })).status).toBe(200);
      clock.advanceMinutes(1);
      expect((await server.request('GET', '/api/v1/portal/session', { token: session })).status).toBe(401);

      const other = await sessionFor('alice@example.com');
      await server.gateway.organizations.update(acme.organizationId, { portalEnabled: false }, OPERATOR);
      try {
        expect((await server.request('GET', '/api/v1/portal/session', { token: other })).status).toBe(401);
      } finally {
        await server.gateway.organizations.update(acme.organizationId, { portalEnabled: true }, OPERATOR);
      }
      // Switching the portal on again does not bring the session back (probe finding).
      expect((await server.request('GET', '/api/v1/portal/session', { token: other })).status).toBe(401);
      expect((await server.request('GET', '/api/v1/portal/session', { token: await sessionFor('alice@example.com') })).status).toBe(200);
    });

    it('dies for good when portal access is switched off system-wide', async () => {
      const session = await sessionFor('alice@example.com');
      await server.gateway.settings.update({ portal: { enabled: false } }, OPERATOR);
      try {
        expect((await server.request('GET', '/api/v1/portal/session', { token: session })).status).toBe(401);
      } finally {
        await server.gateway.settings.update({ portal: { enabled: true } }, OPERATOR);
      }
      expect((await server.request('GET', '/api/v1/portal/session', { token: session })).status).toBe(401);
    });
  });
});

describe('magic-link redemption is rate limited per IP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { AUTH_FAILURE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => server?.close());

  it('answers 429 with Retry-After after repeated failures', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await server.request('POST', CONSUME, { body: { token: `pml_${'b'.repeat(43)}` } })).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    const limited = await server.request('POST', CONSUME, { body: { token: `pml_${'b'.repeat(43)}` } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
