// Benchmark 4: revocation propagation across 3 server processes sharing PostgreSQL.
// Per trial: create a key, get it cached on every instance, poll every instance as fast as
// possible, revoke through one instance (rotating), and time from the revoke response to the
// moment the last instance rejects. Measured conservatively: an instance counts as rejecting
// only with the first rejected request that was *sent after* the revoke response arrived.
import http from 'node:http';
import { freePort, provisionKey, removeDir, serverEnv, startServer, tempDataDir } from './server-process.mjs';
import { fmt, summarize, table, verdict } from './stats.mjs';

const INSTANCES = 3;
const TARGET_P99_MS = 100;
const TRIAL_TIMEOUT_MS = 3000;
const WHOAMI = '/api/v1/auth/whoami';

function get(agent, url, token) {
  return new Promise((resolve) => {
    const req = http.request(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function json(method, url, token, body) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Polls one instance in a tight loop (one keep-alive connection) until stopped. */
function startPoller(url, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const log = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const sent = performance.now();
      const status = await get(agent, url + WHOAMI, token);
      log.push({ sent, done: performance.now(), status });
    }
  })();
  return {
    log,
    async stop() {
      running = false;
      await done;
      agent.destroy();
    },
  };
}

async function trial(servers, admin, revokeVia) {
  const origin = servers[revokeVia].url;
  const key = await json('POST', `${origin}/api/v1/organizations/${admin.orgId}/api-keys`, admin.token, {
    name: 'revocation bench',
    scopes: ['client:read'],
  });
  // Every instance accepts (and caches) the key before the revoke.
  for (const s of servers) {
    const status = await get(undefined, s.url + WHOAMI, key.token);
    if (status !== 200) throw new Error(`fresh key rejected by ${s.url} with ${status}`);
  }
  const pollers = servers.map((s) => startPoller(s.url, key.token));
  await new Promise((r) => setTimeout(r, 20));
  await json('POST', `${origin}/api/v1/organizations/${admin.orgId}/api-keys/${key.id}/revoke`, admin.token, { reason: 'bench' });
  const revokedAt = performance.now();
  const firstRejection = () => pollers.map((p) => p.log.find((e) => e.sent >= revokedAt && e.status !== 200));
  while (firstRejection().some((e) => !e) && performance.now() - revokedAt < TRIAL_TIMEOUT_MS) {
    await new Promise((r) => setTimeout(r, 1));
  }
  // Keep polling a little longer: nothing may be accepted after an instance started rejecting.
  await new Promise((r) => setTimeout(r, 30));
  await Promise.all(pollers.map((p) => p.stop()));
  const rejections = firstRejection();
  const perInstance = rejections.map((e) => (e ? e.done - revokedAt : Number.POSITIVE_INFINITY));
  let lateAccepts = 0;
  const statuses = new Set();
  pollers.forEach((p, i) => {
    const first = rejections[i];
    for (const e of p.log) {
      if (first && e.sent > first.done && e.status === 200) lateAccepts++;
      if (e.sent >= revokedAt && e.status !== 200) statuses.add(e.status);
    }
  });
  return { lastMs: Math.max(...perInstance), perInstance, lateAccepts, statuses, polls: pollers.reduce((n, p) => n + p.log.length, 0) };
}

/** @param {{ quick: boolean, postgres: () => Promise<{ url: string | null, reason?: string, source?: string }> }} o */
export async function revocationBench({ quick, postgres }) {
  const title = `4. Revocation propagation across ${INSTANCES} instances sharing PostgreSQL`;
  const pg = await postgres();
  if (!pg.url) return { title, skipped: pg.reason };
  const trials = quick ? 15 : 50;
  const dataDir = tempDataDir();
  const env = serverEnv({ dataDir, databaseUrl: pg.url });
  const servers = [];
  try {
    const admin = await provisionKey(env, ['api_key:create', 'api_key:read', 'api_key:execute', 'client:read'], 'revocation bench admin');
    for (let i = 0; i < INSTANCES; i++) servers.push(await startServer({ env, port: await freePort() }));
    const results = [];
    for (let i = 0; i < trials; i++) results.push(await trial(servers, admin, i % INSTANCES));

    const last = summarize(results.map((r) => r.lastMs));
    const revoker = summarize(results.map((r, i) => r.perInstance[i % INSTANCES]));
    const others = summarize(results.flatMap((r, i) => r.perInstance.filter((_, j) => j !== i % INSTANCES)));
    const lateAccepts = results.reduce((n, r) => n + r.lateAccepts, 0);
    const timeouts = results.filter((r) => !Number.isFinite(r.lastMs)).length;
    const statuses = [...new Set(results.flatMap((r) => [...r.statuses]))].sort().join(', ');
    const polls = results.reduce((n, r) => n + r.polls, 0);
    const ms = (n) => fmt(n, 1);
    return {
      title,
      table: table(
        ['measure', 'p50 ms', 'p99 ms', 'max ms', 'target'],
        [
          [
            'revoke response → last instance rejects',
            ms(last.p50),
            ms(last.p99),
            ms(last.max),
            `p99 ≤ ${TARGET_P99_MS} ms: ${verdict(last.p99, '<=', TARGET_P99_MS)}`,
          ],
          ['… the instance that revoked', ms(revoker.p50), ms(revoker.p99), ms(revoker.max), ''],
          ['… the other two instances (LISTEN/NOTIFY)', ms(others.p50), ms(others.p99), ms(others.max), ''],
        ],
      ),
      notes: [
        `${trials} trials, revoking through each instance in turn; 3 \`payment-gateway start\` processes, PostgreSQL: ${pg.source}.`,
        `Each instance polled as fast as one keep-alive connection allows (${polls.toLocaleString('en-US')} polls in all); a rejection counts only for a request sent after the revoke response, so the numbers include up to one polling round trip.`,
        `Rejection statuses seen: ${statuses || 'none'}; requests accepted after an instance had rejected: ${lateAccepts}; trials without full rejection within ${TRIAL_TIMEOUT_MS} ms: ${timeouts}.`,
      ],
      summary: `revocation reaches all ${INSTANCES} instances in p50 ${ms(last.p50)} ms / p99 ${ms(last.p99)} ms (target p99 ≤ ${TARGET_P99_MS} ms): ${verdict(last.p99, '<=', TARGET_P99_MS)}; late accepts: ${lateAccepts}`,
      values: { last, revoker, others, lateAccepts, timeouts },
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(dataDir);
  }
}
