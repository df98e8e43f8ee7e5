// SPEC §7.1 / issue #11: no input of any shape, encoding or size yields a 5xx; every response
// carries X-Request-ID; every error body has the one shape. A bounded, reproducible pass of the
// fuzzer on every database (`npm run fuzz -- --n=20000` runs a long one through this same file).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../harness.js';
import { DEFAULT_SEED, formatReport, isClean, runFuzz } from './fuzzer.js';
import { startFuzzServer, type FuzzServer } from './fuzz-target.js';
import { knownIssue } from './known-issues.js';

const N = Number(process.env.FUZZ_N ?? 2500);
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

describe.each(DIALECTS)('input fuzzer over every OpenAPI operation (%s)', (dialect) => {
  let fuzz: FuzzServer;
  beforeAll(async () => {
    fuzz = await startFuzzServer({ dialect });
  });
  afterAll(async () => fuzz?.server.close());

  it(`answers ${N} mutated requests (seed ${SEED}) with no 5xx, every X-Request-ID and only the one error shape`, {
    timeout: Math.max(120_000, N * 60),
  }, async () => {
    const report = await runFuzz(fuzz.target, { n: N, seed: SEED, isKnown: knownIssue });
    const summary = formatReport(report, dialect);
    console.log(summary);
    if (process.env.FUZZ_REPORT_DIR) writeFileSync(join(process.env.FUZZ_REPORT_DIR, `${dialect}.txt`), `${summary}\n`);
    expect(report.requests).toBeGreaterThanOrEqual(N);
    expect(isClean(report), summary).toBe(true);
  });
});
