// Packaging checks on the built package, as it would be published: `pnpm pack` applies
// publishConfig (no `source` condition) and workspace versions, then publint and
// @arethetypeswrong/cli judge the tarball. The root test runner builds every package first;
// run alone, this test builds the SDK itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(pkgDir, '..', '..');
const bin = (name: string) => join(pkgDir, 'node_modules', '.bin', name);
const pnpm = existsSync(join(root, '.tools', 'bin', 'pnpm')) ? join(root, '.tools', 'bin', 'pnpm') : 'pnpm';
let outDir = '';
let tarball = '';

beforeAll(() => {
  if (!existsSync(join(pkgDir, 'dist', 'index.cjs'))) execFileSync(pnpm, ['run', 'build'], { cwd: pkgDir, stdio: 'pipe' });
  outDir = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
  execFileSync(pnpm, ['pack', '--pack-destination', outDir], { cwd: pkgDir, stdio: 'pipe' });
  tarball = join(outDir, readdirSync(outDir).find((f) => f.endsWith('.tgz'))!);
}, 120_000);
afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: pkgDir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('published package', () => {
  it('passes publint (strict)', () => {
    const r = run(bin('publint'), ['run', tarball, '--strict']);
    expect(r.output).toContain('All good');
    expect(r.status).toBe(0);
  });

  it('passes @arethetypeswrong/cli for node10, node16 (CJS and ESM) and bundlers', () => {
    const r = run(bin('attw'), [tarball, '--format', 'ascii']);
    expect(r.output).toContain('No problems found');
    expect(r.status).toBe(0);
  });

  it('loads from CommonJS and ESM with the same exports', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require(join(pkgDir, 'dist', 'index.cjs')) as Record<string, unknown>;
    const esm = (await import(join(pkgDir, 'dist', 'index.js'))) as Record<string, unknown>;
    expect(typeof cjs.PaymentGateway).toBe('function');
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
  });
});
