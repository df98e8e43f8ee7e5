// Benchmark 7: the whole HTTP pipeline against a bare Express 5 app, in one run.
//
// The gateway (gateway-server.mjs: createGateway + listen, as `payment-gateway start`) answers an
// authenticated GET /api/v1/auth/whoami with request logging at `info`, its stdout (where the
// log lines go) appended to a file as a deployment redirecting it would. The baseline is a bare
// Express 5 app (bare-express-server.mjs: defaults, no middleware) answering the very JSON body
// the gateway answered on the same route. The ratio is what everything the gateway does around
// the handler costs: security headers, request ids, guards, routing, contract validation,
// authentication, request logging and serialisation. The same gateway with authentication
// bypassed is printed too, so the share of the key check stays visible.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareRoutes } from './http-load.mjs';
import {
  freePort,
  provisionKey,
  removeDir,
  serverEnv,
  startBareExpressServer,
  startGatewayServer,
  tempDataDir,
} from './server-process.mjs';
import { fmt, fmtRatio, median, ratio, table, verdict } from './stats.mjs';

const TARGET = 0.6;
const PATH = '/api/v1/auth/whoami';

/** @param {{ quick: boolean }} o */
export async function pipelineBench({ quick }) {
  const dataDir = tempDataDir();
  const logFile = join(dataDir, 'gateway.log');
  const env = serverEnv({ dataDir, extra: { LOG_LEVEL: 'info' } });
  try {
    const { token } = await provisionKey(env, ['client:read']);
    const headers = { authorization: `Bearer ${token}` };
    const gateway = await startGatewayServer({ env, port: await freePort(), stdoutFile: logFile });
    const stops = [() => gateway.stop()];
    try {
      const res = await fetch(`${gateway.url}${PATH}`, { headers });
      if (res.status !== 200) throw new Error(`whoami answered ${res.status}: ${await res.text()}`);
      const body = await res.json();
      const bare = await startBareExpressServer({ port: await freePort(), path: PATH, body });
      stops.push(() => bare.stop());
      const bypassed = await startGatewayServer({ env, port: await freePort(), bypassToken: token, stdoutFile: logFile });
      stops.push(() => bypassed.stop());
      const run = await compareRoutes(
        [
          { name: 'bare', url: `${bare.url}${PATH}`, headers, pid: bare.pid },
          { name: 'whoami', url: `${gateway.url}${PATH}`, headers, pid: gateway.pid },
          { name: 'bypassed', url: `${bypassed.url}${PATH}`, headers, pid: bypassed.pid },
        ],
        { rounds: 3, durationSec: quick ? 2 : 5, warmupSec: 1 },
      );
      for (const stop of stops.reverse()) await stop();
      stops.length = 0;
      const logLines = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"request completed"')).length;
      const logBytes = statSync(logFile).size;

      // Per round (same moment of the machine), then the median of the three.
      const perRound = run.whoami.rounds.map((rps, i) => ratio(rps, run.bare.rounds[i]));
      const bypassRound = run.bypassed.rounds.map((rps, i) => ratio(rps, run.bare.rounds[i]));
      const keep = median(perRound);
      const row = (label, r, vs) => [
        label,
        r.rps,
        fmt(r.p50, 1),
        fmt(r.p99, 1),
        vs,
        fmt(r.cpuPerRequest, 0),
        fmtRatio(ratio(run.bare.cpuPerRequest, r.cpuPerRequest)),
        r.non2xx + r.errors === 0 ? '0' : `${r.non2xx} non-2xx, ${r.errors} errors`,
      ];
      return {
        title: '7. HTTP pipeline: authenticated whoami on the gateway vs a bare Express 5 app (same JSON, same route)',
        table: table(
          [
            'server',
            'req/s',
            'p50 ms',
            'p99 ms',
            'vs bare Express (median of per-round ratios)',
            'server CPU µs/request',
            'bare CPU / this CPU',
            'failures',
          ],
          [
            row('bare Express 5 app, same route, same JSON body (baseline)', run.bare, fmtRatio(1)),
            row('gateway, API key proven, request log at info to a file', run.whoami, fmtRatio(keep)),
            row('gateway, authentication bypassed (reference), same logging', run.bypassed, fmtRatio(median(bypassRound))),
          ],
        ),
        notes: [
          `autocannon, 10 connections, keep-alive, 3 alternating rounds of ${quick ? 2 : 5} s per server after a 1 s warm-up; per-round ratios ${perRound.map((r) => fmtRatio(r)).join(', ')}. CPU µs/request: the server process's user + system time (/proc) per answer, median round; it moves less than requests/s when other jobs share the cores.`,
          `The gateways ran createGateway + listen with LOG_LEVEL=info, stdout appended to a file: ${logLines.toLocaleString('en-US')} request lines, ${(logBytes / 2 ** 20).toFixed(1)} MiB.`,
          'Baseline: express() with its defaults and one app.get answering res.json(the gateway’s own whoami body); the gap is the gateway’s pipeline (security headers, request id, guards, routing, contract validation, authentication, request logging, serialisation).',
        ],
        summary: `the authenticated gateway answers ${fmtRatio(keep)} the requests/s of a bare Express 5 app (target ≥ ${TARGET}×): ${verdict(keep, '>=', TARGET)}; it spends ${fmt(run.whoami.cpuPerRequest / run.bare.cpuPerRequest)}× the bare app's CPU per request`,
        values: { run, perRound },
      };
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  } finally {
    removeDir(dataDir);
  }
}
