// Benchmarks 2 and 5: requests/s of an authenticated route against the unauthenticated
// baseline on the same server process, on embedded SQLite and on PostgreSQL, in one run.
//
// Baseline: GET /health on the same server. It passes through the same process and the same
// middleware stack (request id, helmet, pino-http, JSON guard, body parser, ts-rest routing and
// the auth middleware, which returns at once because /health declares no credential) and its
// handler does no I/O. GET /api/v1/auth/whoami adds exactly the authentication path (bearer
// parsing, checksum, cached key lookup, HMAC compare, org rules, per-key rate limit) plus a
// slightly larger body, so the ratio is the cost of authentication, if anything overstated.
import { compareRoutes } from './http-load.mjs';
import { freePort, provisionKey, removeDir, serverEnv, startServer, tempDataDir } from './server-process.mjs';
import { fmt, fmtPercent, fmtRatio, ratio, table, verdict } from './stats.mjs';

const TARGET = 0.9;

async function measureServer({ databaseUrl, quick }) {
  const dataDir = tempDataDir();
  const env = serverEnv({ dataDir, databaseUrl });
  try {
    // Provisioned through the CLI before start (it also applies the migrations).
    const { token } = await provisionKey(env, ['client:read']);
    const server = await startServer({ env, port: await freePort() });
    try {
      return await compareRoutes(
        [
          { name: 'health', url: `${server.url}/health` },
          { name: 'whoami', url: `${server.url}/api/v1/auth/whoami`, headers: { authorization: `Bearer ${token}` } },
        ],
        { rounds: quick ? 1 : 3, durationSec: quick ? 2 : 5, warmupSec: 1 },
      );
    } finally {
      await server.stop();
    }
  } finally {
    removeDir(dataDir);
  }
}

/** @param {{ quick: boolean, postgres: () => Promise<{ url: string | null, reason?: string, source?: string }> }} o */
export async function httpBench({ quick, postgres }) {
  const sqlite = await measureServer({ quick });
  const pg = await postgres();
  const pgRun = pg.url ? await measureServer({ databaseUrl: pg.url, quick }) : null;

  const base = sqlite.health.rps;
  const row = (db, label, r, sameServerBase) => [
    db,
    label,
    r.rps,
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmtRatio(ratio(r.rps, sameServerBase)),
    fmtRatio(ratio(r.rps, base)),
    r.non2xx + r.errors === 0 ? '0' : `${r.non2xx} non-2xx, ${r.errors} errors`,
  ];
  const header = ['database', 'route', 'req/s', 'p50 ms', 'p99 ms', 'vs /health same server', 'vs SQLite /health', 'failures'];
  const sqliteRows = [
    row('SQLite', 'GET /health (unauthenticated baseline)', sqlite.health, sqlite.health.rps),
    row('SQLite', 'GET /api/v1/auth/whoami (API key)', sqlite.whoami, sqlite.health.rps),
  ];
  const keepSqlite = ratio(sqlite.whoami.rps, sqlite.health.rps);
  const settings = `autocannon, 10 connections, keep-alive, ${quick ? '1 round of 2 s' : 'median of 3 alternating rounds of 5 s'} per route after a 1 s warm-up; server = \`payment-gateway start\` in its own process, LOG_LEVEL=warn, rate limits raised out of the way.`;
  const section2 = {
    title: '2. HTTP: authenticated route vs the same server unauthenticated (SQLite)',
    table: table(header, sqliteRows),
    notes: [
      settings,
      'Baseline: GET /health on the same server process — same middleware stack, the auth middleware short-circuits (no credential declared), no I/O — so the difference is the authentication path.',
    ],
    summary: `authenticated keeps ${fmtPercent(keepSqlite)} of unauthenticated throughput (target ≥ 90%): ${verdict(keepSqlite, '>=', TARGET)}`,
    values: { sqlite },
  };

  let section5;
  if (pgRun) {
    const keepPg = ratio(pgRun.whoami.rps, pgRun.health.rps);
    section5 = {
      title: '5. HTTP: authenticated throughput on PostgreSQL vs embedded SQLite vs unauthenticated',
      table: table(header, [
        ...sqliteRows,
        row('PostgreSQL', 'GET /health (unauthenticated)', pgRun.health, pgRun.health.rps),
        row('PostgreSQL', 'GET /api/v1/auth/whoami (API key)', pgRun.whoami, pgRun.health.rps),
      ]),
      notes: [settings, `PostgreSQL: ${pg.source}; one instance; the warm key cache means a database read at most once per key per cache max age (5 s).`],
      summary: `PostgreSQL authenticated = ${fmtRatio(ratio(pgRun.whoami.rps, sqlite.whoami.rps))} SQLite authenticated, ${fmtPercent(keepPg)} of its own /health (target ≥ 90%: ${verdict(keepPg, '>=', TARGET)})`,
      values: { sqlite, pg: pgRun },
    };
  } else {
    section5 = { title: '5. HTTP: authenticated throughput on PostgreSQL vs embedded SQLite', skipped: pg.reason };
  }
  return [section2, section5];
}
