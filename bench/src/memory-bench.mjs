// Benchmark 6: startup time (spawn → GET /health 200) and resident set size idle and under
// load of one `payment-gateway start` process on embedded SQLite, against a bare node:http
// server measured the same way in the same run. The same CLI as tsc emitted it (one file per
// module, what the `bin` was before the bundle) is measured too, restart and idle only.
import { load } from './http-load.mjs';
import {
  CLI_UNBUNDLED,
  freePort,
  peakRssMiB,
  provisionKey,
  removeDir,
  rssMiB,
  serverEnv,
  startBareNodeServer,
  startServer,
  tempDataDir,
} from './server-process.mjs';
import { fmt, fmtRatio, median, ratio, table } from './stats.mjs';

const SETTLE_MS = 2000;

async function startups(start, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const s = await start();
    times.push(s.startupMs);
    await s.stop();
  }
  return times;
}

/** Idle RSS after settling, then RSS sampled every 100 ms under load, then peak (VmHWM). */
async function memory(server, loadOpts) {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const idle = rssMiB(server.pid);
  const samples = [];
  await load({ ...loadOpts, onTick: () => samples.push(rssMiB(server.pid)) });
  return { idle, loaded: Math.max(...samples.filter(Number.isFinite)), peak: peakRssMiB(server.pid) };
}

export async function memoryBench({ quick }) {
  const runs = quick ? 2 : 5;
  const durationSec = quick ? 3 : 5;

  // Startup: the baseline, a first start on an empty data directory (migrations, generated
  // secrets, first admin), and a restart on an existing one.
  const bareStart = await startups(async () => startBareNodeServer({ port: await freePort() }), runs);
  const dirs = [];
  const firstStart = await startups(async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    return startServer({ env: serverEnv({ dataDir }), port: await freePort() });
  }, runs);
  const restart = await startups(async () => startServer({ env: serverEnv({ dataDir: dirs[0] }), port: await freePort() }), runs);
  const unbundledRestart = await startups(
    async () => startServer({ env: serverEnv({ dataDir: dirs[0] }), port: await freePort(), cli: CLI_UNBUNDLED }),
    runs,
  );
  const unbundled = await startServer({ env: serverEnv({ dataDir: dirs[0] }), port: await freePort(), cli: CLI_UNBUNDLED });
  let unbundledIdle;
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    unbundledIdle = rssMiB(unbundled.pid);
  } finally {
    await unbundled.stop();
  }
  dirs.forEach(removeDir);

  // Memory.
  const bare = await startBareNodeServer({ port: await freePort() });
  let bareMem;
  try {
    bareMem = await memory(bare, { url: `${bare.url}/health`, durationSec });
  } finally {
    await bare.stop();
  }
  const dataDir = tempDataDir();
  let gwMem;
  try {
    const env = serverEnv({ dataDir });
    const { token } = await provisionKey(env, ['client:read']);
    const gw = await startServer({ env, port: await freePort() });
    try {
      gwMem = await memory(gw, { url: `${gw.url}/api/v1/auth/whoami`, headers: { authorization: `Bearer ${token}` }, durationSec });
    } finally {
      await gw.stop();
    }
  } finally {
    removeDir(dataDir);
  }

  const mib = (n) => fmt(n, 1);
  const ms = (t) => `${fmt(median(t), 0)} (max ${fmt(Math.max(...t), 0)})`;
  return {
    title: '6. Startup time and memory (one process, embedded SQLite)',
    table: table(
      [
        'process',
        'startup ms, median (max)',
        'startup vs baseline',
        'idle RSS MiB',
        'RSS under load MiB',
        'peak RSS MiB',
        'idle RSS vs baseline',
        'loaded RSS vs baseline',
      ],
      [
        [
          'bare node:http server (baseline)',
          ms(bareStart),
          '1.00×',
          mib(bareMem.idle),
          mib(bareMem.loaded),
          mib(bareMem.peak),
          '1.00×',
          '1.00×',
        ],
        [
          'payment-gateway start, first start (empty data dir)',
          ms(firstStart),
          fmtRatio(ratio(median(firstStart), median(bareStart))),
          '',
          '',
          '',
          '',
          '',
        ],
        [
          'payment-gateway start, restart (existing data dir)',
          ms(restart),
          fmtRatio(ratio(median(restart), median(bareStart))),
          mib(gwMem.idle),
          mib(gwMem.loaded),
          mib(gwMem.peak),
          fmtRatio(ratio(gwMem.idle, bareMem.idle)),
          fmtRatio(ratio(gwMem.loaded, bareMem.loaded)),
        ],
        [
          'same CLI unbundled (tsc output, dist/cli.js), restart',
          ms(unbundledRestart),
          fmtRatio(ratio(median(unbundledRestart), median(bareStart))),
          mib(unbundledIdle),
          '',
          '',
          fmtRatio(ratio(unbundledIdle, bareMem.idle)),
          '',
        ],
      ],
    ),
    notes: [
      `startup = spawn of \`payment-gateway start\` (the package bin, the esbuild bundle dist/payment-gateway.mjs; last row: dist/cli.js, the tsc output) → first GET /health 200, ${runs} runs each; RSS = VmRSS from /proc/<pid>/status, idle after ${SETTLE_MS / 1000} s, under load = highest 100 ms sample during ${durationSec} s of autocannon (10 connections) on GET /api/v1/auth/whoami (baseline: on its only route); peak = VmHWM.`,
    ],
    summary: `startup ${fmt(median(restart), 0)} ms (first start ${fmt(median(firstStart), 0)} ms; unbundled ${fmt(median(unbundledRestart), 0)} ms; bare node ${fmt(median(bareStart), 0)} ms); RSS idle ${mib(gwMem.idle)} MiB (unbundled ${mib(unbundledIdle)} MiB), under load ${mib(gwMem.loaded)} MiB (bare node ${mib(bareMem.idle)} / ${mib(bareMem.loaded)} MiB)`,
    values: { bareStart, firstStart, restart, unbundledRestart, unbundledIdle, bareMem, gwMem },
  };
}
