import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutBody, COMMERCE_ADMIN_SCOPES } from './commerce-fixtures.js';
import { TEST_DATABASE_URL } from './harness.js';
import { stillRunning } from './support/fault-load.js';
import { sleep, waitFor, type HttpResult } from './support/instances.js';
import { startProxiedInstance, type ProxiedInstance } from './support/proxied-instance.js';

// SPEC §7.4 + §5 on the money paths: the database goes away in the middle of a checkout create,
// a manual transaction, a refund and a payment on the hosted page (each one held mid-transaction
// by a row lock, then its connection is cut or silently dropped). Each answers 503 with
// Retry-After (never a crash, never half-written state); once the database is back, a retry
// with the same Idempotency-Key completes the work exactly once, and a second retry replays it.
if (!TEST_DATABASE_URL) console.log('[faults-money-paths] TEST_DATABASE_URL is not set: skipped');

// Long enough for four requests to queue on the held row locks before statement_timeout ends them.
const TIMEOUT_MS = 5000;
const ENV = { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS), FEED_LIVENESS_MS: '1000' };

describe.skipIf(!TEST_DATABASE_URL)('money paths when the database goes away mid-request', () => {
  let f: ProxiedInstance;
  let token: string;
  let siteId: string;
  let organizationId: string;

  beforeAll(async () => {
    f = await startProxiedInstance('G', { env: ENV });
    organizationId = await f.gw.createOrganization('Money');
    token = (await f.gw.createKey(organizationId, [...COMMERCE_ADMIN_SCOPES])).token;
    const site = await call('POST', '/api/v1/sites', { name: 'Shop', url: 'https://shop.example.com', defaultCurrency: 'EUR' });
    expect(site.status).toBe(201);
    siteId = site.body.id;
  });
  afterAll(async () => f?.close());

  /** One request with a wait far beyond DATABASE_TIMEOUT_MS (the support helper gives up at 5 s). */
  async function send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult> {
    const res = await fetch(f.gw.url + path, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* HTML page */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
  function call(method: string, path: string, body?: unknown, key?: string): Promise<HttpResult> {
    return send(method, path, { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) }, body);
  }
  const pay = (shortCode: string) => send('POST', `/checkout/${shortCode}/pay`, { origin: f.gw.url });

  /** Backends of the gateway waiting on a row lock (they are mid-transaction). */
  async function lockWaiters(): Promise<number> {
    // pg_stat_activity is a snapshot per transaction: cleared, since `admin` holds one open.
    await f.admin.query('select pg_stat_clear_snapshot()');
    const r = await f.admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
    );
    return r.rows[0].n as number;
  }

  /**
   * Holds row locks on the site, a transaction and a checkout, starts the four money requests
   * (each then blocks mid-transaction), waits until all four wait on a lock, applies `fault`,
   * and answers what each request got. The locks are released afterwards.
   */
  async function midRequest(
    txnId: string,
    shortCode: string,
    keys: { checkout: string; manual: string; refund: string },
    fault: () => Promise<void>,
  ): Promise<HttpResult[]> {
    await f.admin.query('begin');
    await f.admin.query('select id from sites where id = $1 for update', [siteId]);
    await f.admin.query('select id from transactions where id = $1 for update', [txnId]);
    await f.admin.query(`select id from checkouts where short_code = $1 for update`, [shortCode]);
    const pending = [
      call('POST', `/api/v1/checkouts/${siteId}/create`, checkoutBody(700), keys.checkout),
      call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, keys.manual),
      call('POST', `/api/v1/transactions/${txnId}/refund`, { amount: 100 }, keys.refund),
      pay(shortCode),
    ];
    try {
      await waitFor('four requests held mid-transaction', async () => (await lockWaiters()) >= 4, TIMEOUT_MS - 1500, 20);
      await fault();
      return await Promise.all(pending);
    } finally {
      await f.admin.query('rollback').catch(() => {});
    }
  }

  async function setUp(n: number) {
    const txn = await call('POST', '/api/v1/transactions/manual', { amount: 1000, currency: 'EUR' });
    expect(txn.status).toBe(201);
    const chk = await call('POST', `/api/v1/checkouts/${siteId}/create`, checkoutBody(500));
    expect(chk.status).toBe(201);
    const stamp = `${n}-${Date.now()}`;
    return {
      txnId: txn.body.id as string,
      checkout: chk.body as { id: string; shortCode: string },
      keys: { checkout: `fault-chk-${stamp}`, manual: `fault-man-${stamp}`, refund: `fault-ref-${stamp}` },
    };
  }

  async function countRows() {
    const q = async (sqlText: string, args: unknown[]) => (await f.admin.query(sqlText, args)).rows[0].n as number;
    return {
      checkouts: await q('select count(*)::int as n from checkouts where organization_id = $1 and amount = 700', [organizationId]),
      manual: await q('select count(*)::int as n from transactions where organization_id = $1 and amount = 800', [organizationId]),
      creditNotes: await q('select count(*)::int as n from credit_notes where organization_id = $1', [organizationId]),
      refunded: await q('select coalesce(sum(refunded_amount), 0)::int as n from transactions where organization_id = $1', [
        organizationId,
      ]),
      paid: await q(`select count(*)::int as n from transactions where organization_id = $1 and source = 'checkout'`, [organizationId]),
    };
  }

  async function expectRecoversExactlyOnce(
    round: { txnId: string; checkout: { id: string; shortCode: string }; keys: { checkout: string; manual: string; refund: string } },
    faulted: HttpResult[],
    before: Awaited<ReturnType<typeof countRows>>,
  ) {
    for (const r of faulted) {
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.headers?.get('retry-after')).toBeTruthy();
      expect(r.body.code).toBe('SERVICE_UNAVAILABLE');
    }
    // Nothing half-written: none of the four left a trace.
    expect(await countRows()).toEqual(before);
    const chk = await f.admin.query('select status, transaction_id from checkouts where id = $1', [round.checkout.id]);
    expect(chk.rows[0]).toEqual({ status: 'open', transaction_id: null });

    await waitFor('the gateway to be ready again', async () => (await f.gw.request('GET', '/health/ready')).status === 200, 20_000, 100);
    // The same keys again: each request runs once now, even though its first attempt died.
    const retried = await waitFor(
      'the retries to complete',
      async () => {
        const res = [
          await call('POST', `/api/v1/checkouts/${siteId}/create`, checkoutBody(700), round.keys.checkout),
          await call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, round.keys.manual),
          await call('POST', `/api/v1/transactions/${round.txnId}/refund`, { amount: 100 }, round.keys.refund),
        ];
        // 503 while the database is still coming back, 409 IN_PROGRESS (Retry-After: 1) until the
        // gateway has freed the claims of the requests that died; a key stuck for 24 h fails here.
        return res.every((r) => r.status !== 503 && r.status !== 409) ? res : null;
      },
      20_000,
      200,
    );
    expect(retried.map((r) => `${r.status} ${r.body.code ?? ''}`.trim())).toEqual(['201', '201', '201']);
    const replayed = [
      await call('POST', `/api/v1/checkouts/${siteId}/create`, checkoutBody(700), round.keys.checkout),
      await call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, round.keys.manual),
      await call('POST', `/api/v1/transactions/${round.txnId}/refund`, { amount: 100 }, round.keys.refund),
    ];
    expect(replayed.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(replayed.map((r) => r.headers?.get('idempotent-replayed'))).toEqual(['true', 'true', 'true']);
    expect(replayed.map((r) => r.body.id ?? r.body.creditNote?.id)).toEqual(retried.map((r) => r.body.id ?? r.body.creditNote?.id));
    const paid = await pay(round.checkout.shortCode);
    expect(paid.status).toBe(200);
    expect(await countRows()).toEqual({
      checkouts: before.checkouts + 1,
      manual: before.manual + 1,
      creditNotes: before.creditNotes + 1,
      refunded: before.refunded + 100,
      paid: before.paid + 1,
    });
    expect(await stillRunning(f.gw)).toBe('running');
  }

  it('connections reset mid-transaction: 503, nothing written, the same keys then complete once', { timeout: 90_000 }, async () => {
    const round = await setUp(1);
    const before = await countRows();
    const faulted = await midRequest(round.txnId, round.checkout.shortCode, round.keys, async () => f.proxy.reset());
    await expectRecoversExactlyOnce(round, faulted, before);
  });

  it('backends terminated mid-transaction: 503, nothing written, the same keys then complete once', { timeout: 90_000 }, async () => {
    const round = await setUp(2);
    const before = await countRows();
    const faulted = await midRequest(round.txnId, round.checkout.shortCode, round.keys, async () => {
      await f.admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
      );
    });
    await expectRecoversExactlyOnce(round, faulted, before);
  });

  it('a silent partition mid-transaction: 503 in time, nothing written, the same keys complete once after it heals', {
    timeout: 90_000,
  }, async () => {
    const round = await setUp(3);
    const before = await countRows();
    const faulted = await midRequest(round.txnId, round.checkout.shortCode, round.keys, async () => {
      f.proxy.blackhole();
    });
    // The partition lasts beyond the 503s, so the server cannot tidy anything up while it answers.
    await sleep(2000);
    f.proxy.heal();
    await expectRecoversExactlyOnce(round, faulted, before);
  });

  it('the connection lost during COMMIT (the refund did commit): a retry with the same key never refunds twice', {
    timeout: 90_000,
  }, async () => {
    const round = await setUp(4);
    const before = await countRows();
    // A deferred trigger makes the refund's COMMIT wait on an advisory lock the test holds: the
    // connection is cut while COMMIT runs, then the lock is freed and the COMMIT completes on the
    // server; the gateway never hears of it (outcome unknown to it).
    await f.admin.query(`create or replace function faults_commit_gate() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock_shared(424242); return null; end $$`);
    await f.admin.query(`create constraint trigger faults_commit_gate after insert on credit_notes
      deferrable initially deferred for each row execute function faults_commit_gate()`);
    await f.admin.query('select pg_advisory_lock(424242)');
    try {
      const pending = call('POST', `/api/v1/transactions/${round.txnId}/refund`, { amount: 100 }, round.keys.refund);
      await waitFor('the refund to wait in its COMMIT', async () => (await lockWaiters()) >= 1, 10_000, 20);
      f.proxy.reset();
      const cut = await pending;
      expect(cut.status, JSON.stringify(cut.body)).toBe(503);
    } finally {
      await f.admin.query('select pg_advisory_unlock(424242)');
    }
    await waitFor(
      'the cut COMMIT to land',
      async () =>
        (await f.admin.query('select count(*)::int as n from credit_notes where organization_id = $1', [organizationId])).rows[0].n >
        before.creditNotes,
      10_000,
      50,
    );
    await f.admin.query('drop trigger faults_commit_gate on credit_notes');
    // Retries with the same key: never a second refund (409 IN_PROGRESS: the gateway cannot know).
    for (let i = 0; i < 3; i++) {
      const again = await call('POST', `/api/v1/transactions/${round.txnId}/refund`, { amount: 100 }, round.keys.refund);
      expect(again.status, JSON.stringify(again.body)).toBe(409);
      expect(again.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      await sleep(1200);
    }
    const after = await countRows();
    expect({ creditNotes: after.creditNotes, refunded: after.refunded }).toEqual({
      creditNotes: before.creditNotes + 1,
      refunded: before.refunded + 100,
    });
    expect(await stillRunning(f.gw)).toBe('running');
  });

  it('the connection lost while the key itself is being claimed (the claim commits late): the key is freed and a retry runs once', {
    timeout: 90_000,
  }, async () => {
    const round = await setUp(5);
    const before = await countRows();
    const key = round.keys.manual;
    // The test holds an uncommitted row with the same (organization, key): the gateway's claim
    // INSERT waits on it. The connection is cut; then the row is rolled back, so the waiting
    // INSERT commits on the server after the gateway has answered 503 (the request never ran).
    await f.admin.query('begin');
    await f.admin.query(
      `insert into idempotency_keys (organization_id, idempotency_key, request_hash, state, created_at, expires_at)
       values ($1, $2, 'held-by-test', 'in_progress', '2000-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z')`,
      [organizationId, key],
    );
    let cut: HttpResult;
    try {
      const pending = call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, key);
      await waitFor('the claim to wait on the held row', async () => (await lockWaiters()) >= 1, TIMEOUT_MS - 1500, 20);
      f.proxy.reset();
      cut = await pending;
    } finally {
      await f.admin.query('rollback');
    }
    expect(cut.status, JSON.stringify(cut.body)).toBe(503);
    await waitFor(
      'the late claim to land',
      async () =>
        (await f.admin.query('select count(*)::int as n from idempotency_keys where idempotency_key = $1', [key])).rows[0].n === 1,
      10_000,
      50,
    );
    const retried = await waitFor(
      'the key to be freed',
      async () => {
        const r = await call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, key);
        return r.status === 409 || r.status === 503 ? null : r;
      },
      30_000,
      500,
    );
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    const replay = await call('POST', '/api/v1/transactions/manual', { amount: 800, currency: 'EUR', siteId }, key);
    expect(replay.headers?.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(retried.body.id);
    expect((await countRows()).manual).toBe(before.manual + 1);
  });
});
