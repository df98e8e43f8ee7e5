#!/usr/bin/env node
// `npm run bench` (after the build): every benchmark, each printing absolute numbers and
// ratios against a baseline measured in the same run, as Markdown.
//   --quick | BENCH_QUICK=1           shorter rounds and fewer trials (a smoke run)
//   --only=verify,http,growth,revocation,memory,faults,pipeline | BENCH_ONLY=…
//   --out=<file> | BENCH_OUT=…         also write the report to a file
// A missed target is reported (MISS), never a failure; the exit code is non-zero only when a
// benchmark could not run to the end.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { growthBench } from './growth-bench.mjs';
import { httpBench } from './http-bench.mjs';
import { memoryBench } from './memory-bench.mjs';
import { pipelineBench } from './pipeline-bench.mjs';
import { faultsBench } from './faults-bench.mjs';
import { benchDatabase } from './postgres.mjs';
import { revocationBench } from './revocation-bench.mjs';
import { verifyBench } from './verify-bench.mjs';

const BENCHES = {
  verify: verifyBench,
  http: httpBench,
  growth: growthBench,
  revocation: revocationBench,
  memory: memoryBench,
  faults: faultsBench,
  pipeline: pipelineBench,
};

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } },
});
const quick = values.quick || process.env.BENCH_QUICK === '1';
const only = (values.only ?? process.env.BENCH_ONLY ?? Object.keys(BENCHES).join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = only.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

// One PostgreSQL database for every benchmark that needs it, created on first use.
let pgPromise = null;
const postgres = () => (pgPromise ??= benchDatabase());

const lines = [];
const print = (s = '') => {
  console.log(s);
  lines.push(s);
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
print(`# Benchmarks${quick ? ' (quick)' : ''}`);
print();
print(
  `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpu} · ${Math.round(totalmem() / 2 ** 30)} GiB · load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const summaries = [];
let failed = false;
const started = performance.now();
try {
  for (const name of only) {
    const t0 = performance.now();
    let sections;
    try {
      const result = await BENCHES[name]({ quick, postgres });
      sections = Array.isArray(result) ? result : [result];
    } catch (err) {
      failed = true;
      print();
      print(`## ${name}: FAILED`);
      print();
      print(`    ${(err instanceof Error ? (err.stack ?? err.message) : String(err)).split('\n').join('\n    ')}`);
      continue;
    }
    for (const s of sections) {
      print();
      print(`## ${s.title}`);
      print();
      if (s.skipped) {
        print(`Skipped: ${s.skipped}`);
        summaries.push(`${s.title.split(' ')[0]} skipped (${s.skipped})`);
        continue;
      }
      print(s.table);
      print();
      for (const n of s.notes ?? []) print(`- ${n}`);
      summaries.push(`${s.title.split(' ')[0]} ${s.summary}`);
    }
    print();
    print(`(${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
} finally {
  if (pgPromise) {
    const pg = await pgPromise;
    if (pg.url) await pg.drop();
  }
}

print();
print('## Summary');
print();
for (const s of summaries) print(`- ${s}`);
print();
print(
  `Total ${((performance.now() - started) / 1000).toFixed(0)} s; load average at end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const out = values.out ?? process.env.BENCH_OUT;
if (out) writeFileSync(out, `${lines.join('\n')}\n`);
process.exit(failed ? 1 : 0);
