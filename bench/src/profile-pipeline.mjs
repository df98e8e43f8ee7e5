#!/usr/bin/env node
// Profiles the gateway's request pipeline: one gateway process (gateway-server.mjs, LOG_LEVEL=info,
// stdout to a file) under `node --cpu-prof`, loaded with authenticated GET /api/v1/auth/whoami by
// autocannon, then prints the top self-time functions and self time grouped by where the code
// lives (package or server folder). Not part of `npm run bench`; run after the build:
//   node bench/src/profile-pipeline.mjs [--seconds=10] [--keep=<dir>]
// The bare Express app (bare-express-server.mjs) is profiled the same way right after, and each
// duty is printed as µs per request for both, so what the gateway adds is read off directly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load } from './http-load.mjs';
import {
  BARE_EXPRESS_SERVER,
  freePort,
  GATEWAY_SERVER,
  provisionKey,
  removeDir,
  serverEnv,
  startProcess,
  tempDataDir,
} from './server-process.mjs';

const PATH = '/api/v1/auth/whoami';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, keep: { type: 'string' } } });
const seconds = Number(values.seconds);
const dataDir = tempDataDir();
const profDir = values.keep ?? join(dataDir, 'prof');
const env = serverEnv({ dataDir, extra: { LOG_LEVEL: 'info' } });
try {
  const { token } = await provisionKey(env, ['client:read']);
  const headers = { authorization: `Bearer ${token}` };
  const gateway = await profileUnderLoad({
    name: 'gateway',
    args: [GATEWAY_SERVER],
    env,
    headers,
    stdoutFile: join(dataDir, 'gateway.log'),
  });
  // The baseline under the same profiler and load: the bare Express 5 app answering the gateway's own body.
  const bareEnv = { PATH: process.env.PATH, BENCH_PATH: PATH, BENCH_BODY: JSON.stringify(gateway.body) };
  const bare = await profileUnderLoad({ name: 'bare', args: [BARE_EXPRESS_SERVER], env: bareEnv, headers });
  report(gateway, bare, seconds * 1e6);
} finally {
  if (!values.keep) removeDir(dataDir);
}

/** Runs one server under `node --cpu-prof` with the whoami load; its profile, req/s and answer. */
async function profileUnderLoad({ name, args, env, headers, stdoutFile }) {
  const dir = join(profDir, name);
  const server = await startProcess({ args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...args], env, port: await freePort(), stdoutFile });
  const url = `${server.url}${PATH}`;
  const res = await fetch(url, { headers });
  const body = await res.json();
  await load({ url, headers, durationSec: 2 });
  const r = await load({ url, headers, durationSec: seconds });
  await server.stop();
  console.log(`${name}: ${Math.round(r.rps)} req/s under the profiler, ${r.non2xx} non-2xx`);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return { name, rps: r.rps, body, profile: JSON.parse(readFileSync(join(dir, file), 'utf8')) };
}

function where(url) {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = /packages\/server\/dist\/(.*)$/.exec(url);
  if (src) return `server/${src[1].includes('/') ? src[1].split('/')[0] : src[1]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.replace(/^file:\/\/.*\/(packages|bench)\//, '$1/');
}

/** Duty of a frame, from where its code lives (null: keep walking up to the caller). */
function dutyOf(frame) {
  const w = where(frame.url);
  const fn = frame.functionName;
  if (fn === '(garbage collector)') return 'garbage collection';
  if (['pino', 'pino-http', 'pino-std-serializers', '@pinojs/redact', 'sonic-boom', 'server/logging', 'on-exit-leak-free'].includes(w))
    return 'request logging (pino)';
  if (w === 'helmet') return 'security headers (helmet)';
  const url = frame.url ?? '';
  if (fn === 'requestId' || fn === 'newRequestId' || url.endsWith('/http/request-id.js')) return 'request id';
  if (url.endsWith('/http/security-headers.js')) return 'security headers (helmet)';
  if (url.endsWith('/http/contract-router.js') || url.includes('/path-to-regexp/')) return 'routing (express router, ts-rest)';
  if (url.endsWith('/http/json-response.js')) return 'express request/response (res.json, send)';
  if (['zod', '@ts-rest/core'].includes(w)) return 'contract validation (zod, ts-rest)';
  if (w === '@ts-rest/express') return 'routing (express router, ts-rest)';
  if (['router', 'path-to-regexp', 'parseurl'].includes(w)) return 'routing (express router, ts-rest)';
  if (
    [
      'server/keys',
      'server/auth',
      'server/access',
      'server/limits',
      'rate-limiter-flexible',
      'better-sqlite3',
      'kysely',
      'ipaddr.js',
      'server/storage',
    ].includes(w)
  )
    return 'authentication (verify, limits, usage)';
  if (fn === 'authenticateRequest' || fn === 'proveCredential') return 'authentication (verify, limits, usage)';
  if (['body-parser', 'type-is', 'cors', 'vary', 'media-typer', 'content-type', 'raw-body'].includes(w) || w === 'server/http')
    return 'guards, CORS, body parser (server/http)';
  if (['express', 'send', 'etag', 'fresh', 'mime-types', 'on-finished', 'finalhandler'].includes(w))
    return 'express request/response (res.json, send)';
  if (w.startsWith('node:_http') || w === 'node:net' || w === 'node:stream' || fn === 'writev' || fn === 'writeUtf8String')
    return 'node http core (parse, headers, socket writes)';
  return null;
}

/** Busy time of the measured window (the last `windowUs` before the load ended), by duty, by place and by function. */
function analyse(profile, windowUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Only samples within the measured load, not startup.
  const times = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) times.push((t += d));
  const end = profile.endTime - 300_000;
  const self = new Map();
  const duty = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    if (times[i] < end - windowUs || times[i] > end) continue;
    const id = profile.samples[i];
    const us = dt[i + 1] ?? dt[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + us);
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    let d = null;
    for (let cur = id; cur !== undefined && d === null; cur = parent.get(cur)) d = dutyOf(byId.get(cur).callFrame);
    d ??= 'other (event loop, microtasks, handler)';
    duty.set(d, (duty.get(d) ?? 0) + us);
  }
  let total = 0;
  for (const v of self.values()) total += v;
  const idle = [...self].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)').reduce((a, [, v]) => a + v, 0);
  const fnSelf = new Map();
  const groupSelf = new Map();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id);
    if (f.functionName === '(idle)') continue;
    const key = `${f.functionName || '(anonymous)'} ${where(f.url)}:${f.lineNumber + 1}`;
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + us);
    const g = where(f.url);
    groupSelf.set(g, (groupSelf.get(g) ?? 0) + us);
  }
  return { busy: total - idle, total, duty, fnSelf, groupSelf };
}

/**
 * Prints the gateway's busy time by duty as a share and as µs per request under the profiler,
 * beside the bare Express app's for the same duty (the difference is what the gateway adds).
 */
function report(gateway, bare, windowUs) {
  const g = analyse(gateway.profile, windowUs);
  const b = analyse(bare.profile, windowUs);
  const perReq = (us, run) => us / (run.rps * (windowUs / 1e6));
  const pct = (us, a) => `${((us / a.busy) * 100).toFixed(1)}%`;
  console.log(
    `\ngateway busy ${(g.busy / 1e6).toFixed(2)} s of ${(g.total / 1e6).toFixed(2)} s sampled under load: ${perReq(g.busy, gateway).toFixed(0)} µs per request; bare Express ${perReq(b.busy, bare).toFixed(0)} µs`,
  );
  console.log('\ntime by duty (each sample goes to the innermost frame with a known duty), µs per request under the profiler:');
  console.log(`  ${'share'.padStart(6)}  ${'gateway'.padStart(8)}  ${'bare'.padStart(6)}  duty`);
  for (const [d, us] of [...g.duty].sort((x, y) => y[1] - x[1])) {
    const bareUs = b.duty.get(d) ?? 0;
    console.log(
      `  ${pct(us, g).padStart(6)}  ${perReq(us, gateway).toFixed(1).padStart(8)}  ${perReq(bareUs, bare).toFixed(1).padStart(6)}  ${d}`,
    );
  }
  console.log('\nself time by where the code lives (gateway):');
  for (const [w, us] of [...g.groupSelf].sort((x, y) => y[1] - x[1]).slice(0, 20)) console.log(`  ${pct(us, g).padStart(6)}  ${w}`);
  console.log('\ntop functions by self time (gateway):');
  for (const [k, us] of [...g.fnSelf].sort((x, y) => y[1] - x[1]).slice(0, 30)) console.log(`  ${pct(us, g).padStart(6)}  ${k}`);
}
