// Benchmark 6: database faults (SPEC §7.4). Server processes (the built CLI, default
// DATABASE_TIMEOUT_MS and FEED_LIVENESS_MS) under load while PostgreSQL misbehaves, one fault
// kind at a time. Per kind and trial: instance A revokes a key that instance B has cached, just
// after the fault begins; B polls with that key throughout. Reported per kind:
// - accepted after revoke: 2xx answers to requests *sent* after the revoke response (count,
//   and the latest such send relative to the response);
// - time to fail closed: fault start → the faulted instance's /health/ready first answers 503;
// - time to recover: end of the fault → ready again and serving a live key;
// - hangs: requests not answered within DATABASE_TIMEOUT_MS + 1 s; process exits.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, provisionKey, removeDir, serverEnv, startServer, tempDataDir } from './server-process.mjs';
import { fmt, percentile, table } from './stats.mjs';
import { startTcpProxy } from './tcp-proxy.mjs';

const TIMEOUT_MS = 2000;
const LIVENESS_MS = 1000;
const HANG_MS = TIMEOUT_MS + 1000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(url, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const sent = performance.now();
  try {
    const res = await fetch(url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await res.arrayBuffer();
    return { sent, done: performance.now(), status: res.status };
  } catch {
    return { sent, done: performance.now(), status: 0 };
  }
}

/** Sequential loops until stopped; every answer is logged per stream. */
function load(streams) {
  const logs = Object.fromEntries(streams.map((s) => [s.name, []]));
  let running = true;
  let n = 0;
  const loops = streams.map(async (s) => {
    while (running) {
      logs[s.name].push(await call(s.url, s.method, s.path, { token: s.token, body: s.body?.(++n) }));
      await sleep(1);
    }
  });
  return {
    logs,
    async stop() {
      running = false;
      await Promise.all(loops);
      return logs;
    },
  };
}

async function until(check, timeoutMs = 30_000) {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > timeoutMs) return false;
    await sleep(20);
  }
  return true;
}

/** A PostgreSQL cluster of the benchmark's own, so a restart disturbs nothing else. */
async function dedicatedCluster() {
  const { startThrowawayPostgres } = await import(pathToFileURL(join(root, 'scripts', 'pg.mjs')).href);
  const cluster = startThrowawayPostgres();
  if (!cluster) return null;
  const asRoot = process.getuid?.() === 0;
  const pgCtl = join(cluster.binDir, 'pg_ctl');
  // Restarts with the options it was started with (postmaster.opts); -m fast terminates every session.
  const args = ['-D', cluster.dataDir, '-l', join(dirname(cluster.dataDir), 'log'), '-m', 'fast', '-w', 'restart'];
  return {
    url: cluster.url,
    // Asynchronous, so the load keeps running through the restart.
    restart: () =>
      new Promise((resolve, reject) => {
        const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', pgCtl, ...args]] : [pgCtl, args];
        execFile(file, argv, { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`pg_ctl restart failed: ${stderr || stdout || err.message}`)) : resolve(),
        );
      }),
    stop: () => cluster.stop(),
  };
}

/**
 * One trial of one fault kind on a fresh pair of instances.
 * @param {{ inject(ctx): Promise<void>, heal(ctx): Promise<void>, holdMs: number }} fault
 */
async function trial({ databaseUrl, faultedUrl, fault, ctx }) {
  const dataDir = tempDataDir();
  const extra = { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS), FEED_LIVENESS_MS: String(LIVENESS_MS) };
  const envA = serverEnv({ dataDir, databaseUrl, extra });
  const envB = serverEnv({ dataDir, databaseUrl: faultedUrl, extra });
  const servers = [];
  try {
    const admin = await provisionKey(
      envA,
      ['api_key:create', 'api_key:read', 'api_key:execute', 'client:read', 'client:create'],
      'faults bench admin',
    );
    servers.push(await startServer({ env: envA, port: await freePort() }));
    servers.push(await startServer({ env: envB, port: await freePort() }));
    const [a] = servers;
    const mk = async () => {
      const res = await fetch(`${a.url}/api/v1/organizations/${admin.orgId}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'faults bench', scopes: ['client:read', 'client:create'] }),
      });
      if (res.status !== 201) throw new Error(`key create → ${res.status}`);
      return res.json();
    };
    const revoked = await mk();
    const live = await mk();
    for (const s of servers) for (const k of [revoked, live]) await call(s.url, 'GET', '/api/v1/auth/whoami', { token: k.token });
    const streams = servers.flatMap((s, i) => [
      { name: `revoked${i}`, url: s.url, method: 'GET', path: '/api/v1/auth/whoami', token: revoked.token },
      {
        name: `write${i}`,
        url: s.url,
        method: 'POST',
        path: '/api/v1/clients',
        token: live.token,
        body: (n) => ({ email: `f${n}-${Date.now()}@example.com`, name: 'Bench' }),
      },
      { name: `read${i}`, url: s.url, method: 'GET', path: '/api/v1/clients?limit=5', token: live.token },
      { name: `ready${i}`, url: s.url, method: 'GET', path: '/health/ready' },
    ]);
    const running = load(streams);
    await sleep(300);
    const faultAt = performance.now();
    await fault.inject(ctx);
    await sleep(150);
    // The revoke, through A, retried while A's own database calls fail (restart, terminations).
    let revokedAt = Number.NaN;
    await until(async () => {
      const r = await call(a.url, 'POST', `/api/v1/organizations/${admin.orgId}/api-keys/${revoked.id}/revoke`, {
        token: admin.token,
        body: {},
      });
      if (r.status === 200) revokedAt = r.done;
      return r.status === 200;
    });
    const holdLeft = fault.holdMs - (performance.now() - faultAt);
    if (holdLeft > 0) await sleep(holdLeft);
    await fault.heal(ctx);
    const healedAt = performance.now();
    let recoveredAt = Number.NaN;
    await until(async () => {
      for (const s of servers) {
        if ((await call(s.url, 'GET', '/health/ready')).status !== 200) return false;
        if ((await call(s.url, 'GET', '/api/v1/clients?limit=1', { token: live.token })).status !== 200) return false;
      }
      recoveredAt = performance.now();
      return true;
    });
    await sleep(LIVENESS_MS + 500);
    const logs = await running.stop();

    const accepted = servers.flatMap((_, i) => logs[`revoked${i}`].filter((e) => e.sent >= revokedAt && e.status >= 200 && e.status < 300));
    const all = Object.values(logs).flat();
    const faulted = ctx.faulted(servers.length);
    const failClosed = faulted.map((i) => logs[`ready${i}`].find((e) => e.sent >= faultAt && e.status === 503));
    return {
      acceptedCount: accepted.length,
      latestAcceptMs: accepted.length ? Math.max(...accepted.map((e) => e.sent - revokedAt)) : 0,
      failClosedMs: Math.max(...failClosed.map((e) => (e ? e.done - faultAt : Number.NaN))),
      recoverMs: recoveredAt - healedAt,
      hangs: all.filter((e) => e.status === 0 || e.done - e.sent > HANG_MS).length,
      maxRequestMs: Math.max(...all.map((e) => e.done - e.sent)),
      statuses: [...new Set(all.map((e) => e.status))].sort(),
      requests: all.length,
      exits: servers.filter((s) => s.exitCode !== null).length,
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(dataDir);
  }
}

/** @param {{ quick: boolean, postgres: () => Promise<{ url: string | null, reason?: string, source?: string }> }} o */
export async function faultsBench({ quick, postgres }) {
  const title = '7. Database faults: fail closed, no hang, no crash (SPEC §7.4)';
  const shared = await postgres();
  if (!shared.url) return { title, skipped: shared.reason };
  const trials = quick ? 1 : 3;
  const proxy = await startTcpProxy(shared.url);
  const cluster = await dedicatedCluster();
  const admin = new pg.Client({ connectionString: shared.url });
  admin.on('error', () => {});
  await admin.connect();
  const terminate = () =>
    admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name <> 'gateway-change-feed' and pid <> pg_backend_pid()",
    );
  let terminator = null;
  const kinds = [
    {
      name: 'silent partition (black hole, 3 s)',
      target: 'partition',
      databaseUrl: shared.url,
      faultedUrl: proxy.url,
      fault: { holdMs: 3000, inject: async () => proxy.blackhole(), heal: async () => proxy.heal() },
      faulted: () => [1],
    },
    {
      name: 'connection resets (every 300 ms, 3 s)',
      target: 'p99',
      databaseUrl: shared.url,
      faultedUrl: proxy.url,
      fault: {
        holdMs: 3000,
        inject: async () => {
          proxy.reset();
          terminator = setInterval(() => proxy.reset(), 300);
        },
        heal: async () => clearInterval(terminator),
      },
      faulted: () => [1],
    },
    {
      name: 'backends terminated under load (every 500 ms, 4 s)',
      target: 'p99',
      databaseUrl: shared.url,
      faultedUrl: shared.url,
      fault: {
        holdMs: 4000,
        inject: async () => {
          await terminate();
          terminator = setInterval(() => void terminate().catch(() => {}), 500);
        },
        heal: async () => clearInterval(terminator),
      },
      faulted: () => [],
    },
    ...(cluster
      ? [
          {
            name: 'PostgreSQL restart (pg_ctl restart -m fast)',
            target: 'p99',
            databaseUrl: cluster.url,
            faultedUrl: cluster.url,
            fault: { holdMs: 0, inject: () => cluster.restart(), heal: async () => {} },
            faulted: () => [0, 1],
          },
        ]
      : []),
  ];
  const rows = [];
  const values = {};
  try {
    for (const k of kinds) {
      const results = [];
      for (let t = 0; t < trials; t++)
        results.push(await trial({ databaseUrl: k.databaseUrl, faultedUrl: k.faultedUrl, fault: k.fault, ctx: { faulted: k.faulted } }));
      const latest = Math.max(...results.map((r) => r.latestAcceptMs));
      const accepted = results.reduce((n, r) => n + r.acceptedCount, 0);
      const exits = results.reduce((n, r) => n + r.exits, 0);
      const hangs = results.reduce((n, r) => n + r.hangs, 0);
      const targetMs = k.target === 'partition' ? LIVENESS_MS : 100;
      const failClosed = results.map((r) => r.failClosedMs).filter(Number.isFinite);
      const ok = exits === 0 && hangs === 0 && latest <= targetMs;
      values[k.name] = { results, latest, accepted, exits, hangs };
      rows.push([
        k.name,
        `${accepted} / ${fmt(latest, 0)} ms`,
        failClosed.length ? fmt(percentile(failClosed, 100), 0) : '-',
        fmt(Math.max(...results.map((r) => r.recoverMs)), 0),
        `${hangs} (max ${fmt(Math.max(...results.map((r) => r.maxRequestMs)), 0)} ms)`,
        String(exits),
        `${k.target === 'partition' ? 'latest ≤ 1000 ms' : 'latest ≤ 100 ms'}, 0 hangs, 0 exits: ${ok ? 'PASS' : 'MISS'}`,
      ]);
    }
  } finally {
    clearInterval(terminator);
    await admin.end().catch(() => {});
    await proxy.close();
    cluster?.stop();
  }
  const all = Object.values(values);
  const totalExits = all.reduce((n, v) => n + v.exits, 0);
  const totalHangs = all.reduce((n, v) => n + v.hangs, 0);
  return {
    title,
    table: table(['fault', 'accepted after revoke (count / latest)', 'fail closed ms', 'recover ms', 'hangs', 'exits', 'target'], rows),
    notes: [
      `${trials} trial(s) per fault, each on 2 fresh \`payment-gateway start\` processes (A direct, B faulted; both for terminations and restarts) with DATABASE_TIMEOUT_MS=${TIMEOUT_MS}, FEED_LIVENESS_MS=${LIVENESS_MS}; PostgreSQL: ${shared.source}${cluster ? '; the restart on a dedicated throwaway cluster' : ''}.`,
      'Load per instance: sequential loops of whoami with the key to revoke, client writes, client reads and /health/ready. The key is revoked through A about 150 ms into the fault (retried while A answers 503); "latest" is when the last accepted request was *sent*, relative to the revoke response (0 = none accepted). Worst trial shown.',
      `Fail closed: fault start → the faulted instance's first 503 from /health/ready (worst instance; "-" when it stayed ready, e.g. terminations of pool backends only). Recover: end of the fault → every instance ready and serving. Hang: no answer within ${HANG_MS} ms.`,
    ],
    summary: `faults: ${totalExits} process exits, ${totalHangs} hangs; latest acceptance of a revoked key: ${all.map((v, i) => `${kinds[i].name.split(' (')[0]} ${fmt(v.latest, 0)} ms`).join(', ')}`,
    values,
  };
}
