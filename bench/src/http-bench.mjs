// Benchmarks 2 and 5: requests/s of an authenticated route against the same route with
// authentication bypassed, on embedded SQLite and on PostgreSQL, in one run.
//
// Two gateway processes run the same code (gateway-server.mjs: the library's createGateway +
// listen) with the same configuration, the same data and the same request (GET
// /api/v1/auth/whoami with the same Authorization header). One proves the API key on every
// request; the other is created with GatewayOptions.authenticationBypass acting as that key, so
// it skips reading, verifying and rate-limiting the credential and still runs everything else
// (routing, authorization, handler, logging, response). The ratio is the cost of authentication.
// GET /health on the authenticating process is printed as a reference: it skips request
// logging and matches the first route, so it is not a fair baseline for an API route.
import { compareRoutes } from './http-load.mjs';
import { freePort, provisionKey, removeDir, serverEnv, startGatewayServer, tempDataDir } from './server-process.mjs';
import { fmt, fmtPercent, fmtRatio, ratio, table, verdict } from './stats.mjs';

const TARGET = 0.9;

async function measureServer({ databaseUrl, quick }) {
  const dataDir = tempDataDir();
  const env = serverEnv({ dataDir, databaseUrl });
  try {
    // Provisioned through the CLI before start (it also applies the migrations).
    const { token } = await provisionKey(env, ['client:read']);
    const authenticated = await startGatewayServer({ env, port: await freePort() });
    try {
      const bypassed = await startGatewayServer({ env, port: await freePort(), bypassToken: token });
      try {
        const headers = { authorization: `Bearer ${token}` };
        return await compareRoutes(
          [
            { name: 'health', url: `${authenticated.url}/health` },
            { name: 'bypassed', url: `${bypassed.url}/api/v1/auth/whoami`, headers },
            { name: 'whoami', url: `${authenticated.url}/api/v1/auth/whoami`, headers },
          ],
          { rounds: quick ? 1 : 3, durationSec: quick ? 2 : 5, warmupSec: 1 },
        );
      } finally {
        await bypassed.stop();
      }
    } finally {
      await authenticated.stop();
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

  const row = (db, label, r, bypassed) => [
    db,
    label,
    r.rps,
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmtRatio(ratio(r.rps, bypassed.rps)),
    r.non2xx + r.errors === 0 ? '0' : `${r.non2xx} non-2xx, ${r.errors} errors`,
  ];
  const header = ['database', 'request', 'req/s', 'p50 ms', 'p99 ms', 'vs bypassed, same database', 'failures'];
  const rowsOf = (db, run) => [
    row(db, 'GET /api/v1/auth/whoami, authentication bypassed (baseline)', run.bypassed, run.bypassed),
    row(db, 'GET /api/v1/auth/whoami, API key proven', run.whoami, run.bypassed),
    row(db, 'GET /health (reference only: not logged, first route)', run.health, run.bypassed),
  ];
  const keepSqlite = ratio(sqlite.whoami.rps, sqlite.bypassed.rps);
  const settings = `autocannon, 10 connections, keep-alive, ${quick ? '1 round of 2 s' : 'median of 3 alternating rounds of 5 s'} per line after a 1 s warm-up; two gateway processes with the same configuration and data (gateway-server.mjs: createGateway + listen, LOG_LEVEL=warn, rate limits raised out of the way), one created with the benchmark-only GatewayOptions.authenticationBypass.`;
  const baselineNote =
    'Baseline: the same route, same request (Authorization header included), same code and configuration, with the credential not read, verified or rate-limited (authorization, handler, logging still run), so the difference is exactly what authentication costs.';
  const section2 = {
    title: '2. HTTP: authenticated route vs the same route with authentication bypassed (SQLite)',
    table: table(header, rowsOf('SQLite', sqlite)),
    notes: [settings, baselineNote],
    summary: `authenticated keeps ${fmtPercent(keepSqlite)} of the bypassed throughput on the same route (target ≥ 90%): ${verdict(keepSqlite, '>=', TARGET)}`,
    values: { sqlite },
  };

  let section5;
  if (pgRun) {
    const keepPg = ratio(pgRun.whoami.rps, pgRun.bypassed.rps);
    section5 = {
      title: '5. HTTP: authenticated route vs bypassed on PostgreSQL, and against embedded SQLite',
      table: table(header, [...rowsOf('SQLite', sqlite), ...rowsOf('PostgreSQL', pgRun)]),
      notes: [
        settings,
        `PostgreSQL: ${pg.source}; one instance per process; the warm key cache means a database read at most once per key per cache max age (5 s).`,
      ],
      summary: `PostgreSQL authenticated keeps ${fmtPercent(keepPg)} of its bypassed throughput (target ≥ 90%: ${verdict(keepPg, '>=', TARGET)}); ${fmtRatio(ratio(pgRun.whoami.rps, sqlite.whoami.rps))} SQLite authenticated`,
      values: { sqlite, pg: pgRun },
    };
  } else {
    section5 = { title: '5. HTTP: authenticated route vs bypassed on PostgreSQL', skipped: pg.reason };
  }
  return [section2, section5];
}
