#!/usr/bin/env node
// `npm run fuzz -- --n=20000 [--seed=N]`: a long pass of the input fuzzer (SPEC §7.1) on SQLite and
// PostgreSQL, through the same Vitest file `npm test` runs with a bounded n. Prints, per database:
// requests, 5xx, responses without X-Request-ID, bad error shapes, and the first offending requests.
// PostgreSQL: TEST_DATABASE_URL, else a throwaway cluster when the server binaries are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startThrowawayPostgres } from './pg.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => /^--([^=]+)=(.*)$/.exec(a))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const n = Number(args.n ?? 20000);
const seed = args.seed ?? '20261129';
if (!Number.isInteger(n) || n < 1) {
  console.error('usage: npm run fuzz -- --n=20000 [--seed=20261129]');
  process.exit(2);
}

let pg = null;
let databaseUrl = process.env.TEST_DATABASE_URL;
if (!databaseUrl) {
  try {
    pg = startThrowawayPostgres();
    if (pg) databaseUrl = pg.url;
  } catch (err) {
    console.log(`[fuzz] could not start PostgreSQL (${err.message}); fuzzing SQLite only`);
  }
}
const reportDir = join(root, '.test-results', 'fuzz');
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
let status = 1;
try {
  const env = {
    ...process.env,
    PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`,
    FUZZ_N: String(n),
    FUZZ_SEED: seed,
    FUZZ_REPORT_DIR: reportDir,
    ...(databaseUrl ? { TEST_DATABASE_URL: databaseUrl } : {}),
  };
  console.log(`[fuzz] ${n} requests per database, seed ${seed}${databaseUrl ? '' : ' (SQLite only)'}`);
  const r = spawnSync('vitest', ['run', 'packages/server/test/fuzz/fuzz.test.ts'], { cwd: root, stdio: 'inherit', env });
  status = r.status ?? 1;
} finally {
  pg?.stop();
}
console.log('\n=== fuzz summary');
if (existsSync(reportDir)) {
  for (const f of readdirSync(reportDir)
    .filter((x) => x.endsWith('.txt'))
    .sort())
    console.log(readFileSync(join(reportDir, f), 'utf8'));
}
console.log(status === 0 ? 'fuzz: clean (0 of each)' : 'fuzz: FAILED (see above)');
process.exit(status);
