#!/usr/bin/env node
// `npm test`: everything CI checks, ending with a plain "N passed, N failed" line.
// Steps: build, typecheck (tests included), lint and format check (Biome, biome.json), then every Vitest suite (unit, HTTP integration on
// SQLite and PostgreSQL, OpenAPI drift/validation/lint, SDK packaging, examples).
// PostgreSQL: uses TEST_DATABASE_URL when set; otherwise starts a throwaway cluster when the
// PostgreSQL server binaries are installed; otherwise the PostgreSQL suites skip and say why.
// Redis: the same with TEST_REDIS_URL and a throwaway redis-server (scripts/redis.mjs); the Redis
// suites skip only where redis-server is not installed and CI is not set (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres } from './pg.mjs';
import { startThrowawayRedis } from './redis.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolsBin = join(root, '.tools', 'bin');
const env = { ...process.env, PATH: `${toolsBin}:${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
const pnpm = join(toolsBin, 'pnpm');
const steps = [];

function step(name, cmd, args, extraEnv = {}) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  steps.push({ name, ok });
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'}`);
  return ok;
}

let pg = null;
let databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) {
  try {
    pg = startThrowawayPostgres();
    if (pg) databaseUrl = pg.url;
  } catch (err) {
    console.log(`[test] could not start PostgreSQL (${err.message}); PostgreSQL suites will skip`);
  }
}
if (databaseUrl) console.log(`[test] PostgreSQL suites use ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
else console.log('[test] no PostgreSQL: set TEST_DATABASE_URL or install the postgresql package to run the PostgreSQL suites');

let redis = null;
let redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) {
  try {
    redis = startThrowawayRedis();
    if (redis) redisUrl = redis.url;
  } catch (err) {
    console.log(`[test] could not start Redis (${err.message}); the Redis suites will fail`);
  }
}
if (redisUrl) console.log(`[test] Redis suites use ${redisUrl.replace(/:[^:@/]*@/, ':***@')}`);
else console.log('[test] no Redis: set TEST_REDIS_URL or install the redis-server package to run the Redis suites');
const testEnv = { ...(databaseUrl ? { TEST_DATABASE_URL: databaseUrl } : {}), ...(redisUrl ? { TEST_REDIS_URL: redisUrl } : {}) };

let exitCode = 0;
try {
  const built = step('build', pnpm, ['run', '-r', '--workspace-concurrency=1', 'build']);
  step('typecheck', 'tsc', ['-p', 'tsconfig.check.json', '--noEmit']);
  step('lint', 'biome', ['check', '.']);
  const resultsDir = join(root, '.test-results');
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const jsonFile = join(resultsDir, 'vitest.json');
  const vitestArgs = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)];
  const vitestOk = built && step('vitest', 'vitest', vitestArgs, testEnv);

  let passed = steps.filter((s) => s.ok && s.name !== 'vitest').length;
  let failed = steps.filter((s) => !s.ok && s.name !== 'vitest').length;
  let skipped = 0;
  if (existsSync(jsonFile)) {
    const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    // A suite that fails to load has no failed test but must still fail the run.
    const brokenSuites = (report.testResults ?? []).filter(
      (r) => r.status === 'failed' && r.assertionResults.every((a) => a.status !== 'failed'),
    );
    for (const s of brokenSuites) console.log(`[test] suite failed to run: ${s.name}: ${s.message}`);
    failed += brokenSuites.length;
  } else if (built) {
    failed += 1;
  }
  if (!vitestOk && failed === 0) failed = 1;
  exitCode = failed > 0 ? 1 : 0;
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
} finally {
  pg?.stop();
  redis?.stop();
}
process.exit(exitCode);
