#!/usr/bin/env node
// One entry point for the README's commands on a machine that has only Node.js:
// installs the pinned pnpm into ./.tools, installs dependencies, then runs the task.
//   node scripts/run.mjs start|test|fuzz|build|bench|pnpm <args…>
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.split('@')[1];
const toolsBin = join(root, '.tools', 'bin');
const pnpmBin = join(toolsBin, process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
const env = { ...process.env, PATH: `${toolsBin}:${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
// better-sqlite3 compiles with node-gyp here (prebuilt downloads are unreachable); point node-gyp
// at the Node headers installed with Node itself so it does not try to download them.
if (!env.npm_config_nodedir) {
  const nodedir = join(dirname(process.execPath), '..');
  if (existsSync(join(nodedir, 'include', 'node', 'node.h'))) env.npm_config_nodedir = nodedir;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}
function must(cmd, args, opts) {
  const status = run(cmd, args, opts);
  if (status !== 0) process.exit(status);
}

export function ensurePnpm() {
  const ok = existsSync(pnpmBin) && spawnSync(pnpmBin, ['--version'], { env, encoding: 'utf8' }).stdout?.trim() === pnpmVersion;
  if (!ok) {
    console.error(`[setup] installing pnpm ${pnpmVersion} into .tools/`);
    must('npm', ['install', '--global', '--prefix', join(root, '.tools'), '--no-audit', '--no-fund', `pnpm@${pnpmVersion}`]);
  }
}

function ensureDeps() {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  must(pnpmBin, ['install', ...frozen, '--reporter=append-only']);
}

const [task = 'start', ...rest] = process.argv.slice(2);
ensurePnpm();
if (task === 'pnpm') {
  process.exit(run(pnpmBin, rest));
}
ensureDeps();
switch (task) {
  case 'build':
    must(pnpmBin, ['run', '-r', '--workspace-concurrency=1', 'build']);
    break;
  case 'start':
    must(pnpmBin, ['run', '-r', '--workspace-concurrency=1', 'build']);
    // The bundled CLI (the server package's `bin`): one file loads far faster than the tsc output.
    must('node', [join(root, 'packages/server/dist/payment-gateway.mjs'), 'start', ...rest]);
    break;
  // biome-ignore lint/suspicious/noFallthroughSwitchClause: process.exit does not return
  case 'test':
    process.exit(run('node', [join(root, 'scripts/test.mjs'), ...rest]));
  // biome-ignore lint/suspicious/noFallthroughSwitchClause: process.exit does not return
  case 'fuzz':
    process.exit(run('node', [join(root, 'scripts/fuzz.mjs'), ...rest]));
  // biome-ignore lint/suspicious/noFallthroughSwitchClause: process.exit does not return
  case 'bench':
    must(pnpmBin, ['run', '-r', '--workspace-concurrency=1', 'build']);
    process.exit(run(pnpmBin, ['--filter', '@payment-gateway/bench', 'run', 'bench', ...rest]));
  default:
    console.error(`unknown task "${task}": use start, test, fuzz, build, bench or pnpm`);
    process.exit(2);
}
