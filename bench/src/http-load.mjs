// HTTP load with autocannon (loopback, keep-alive, no pipelining).
import autocannon from 'autocannon';
import { cpuMicros } from './cpu-per-request.mjs';
import { median } from './stats.mjs';

/**
 * One autocannon run. Returns requests/s (total 2xx / duration), latency percentiles in ms and
 * the count of anything that was not a 2xx (which would make the number meaningless).
 */
export async function load({ url, headers = {}, durationSec, connections = 10, onTick }) {
  const instance = autocannon({ url, headers, duration: durationSec, connections, pipelining: 1 });
  let timer;
  if (onTick) timer = setInterval(onTick, 100);
  const result = await instance;
  clearInterval(timer);
  return {
    rps: result['2xx'] / durationSec,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Measures several routes of one server in alternating rounds (A B, B A, …) after a warm-up,
 * so drift on a shared machine hits every route alike. Returns the median round per route, and
 * each route's requests/s per round in `rounds` (in round order, for per-round ratios).
 * With a route's server `pid` (Linux), also the server's CPU µs per request (`cpuPerRequest`), a
 * measure less sensitive than requests/s to other jobs on a shared machine.
 * @param {{ name: string, url: string, headers?: Record<string, string>, pid?: number }[]} routes
 */
export async function compareRoutes(routes, { rounds, durationSec, warmupSec = 1, connections = 10, onTick }) {
  for (const r of routes) await load({ ...r, durationSec: warmupSec, connections });
  const runs = new Map(routes.map((r) => [r.name, []]));
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? routes : [...routes].reverse();
    for (const r of order) {
      // With the server's pid: its CPU time (user + system) per 2xx answer in this round, in µs.
      const cpu0 = r.pid ? cpuMicros(r.pid) : Number.NaN;
      const result = await load({ ...r, durationSec, connections, onTick });
      result.cpuPerRequest = (cpuMicros(r.pid) - cpu0) / (result.rps * durationSec);
      runs.get(r.name).push(result);
    }
  }
  const out = {};
  for (const [name, list] of runs) {
    out[name] = {
      rps: median(list.map((x) => x.rps)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
      non2xx: list.reduce((n, x) => n + x.non2xx, 0),
      errors: list.reduce((n, x) => n + x.errors, 0),
      rounds: list.map((x) => x.rps),
      cpuPerRequest: median(list.map((x) => x.cpuPerRequest)),
    };
  }
  return out;
}
