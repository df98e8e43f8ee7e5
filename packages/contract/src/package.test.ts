// Packaging checks on the built package, as it would be published: `pnpm pack` applies
// publishConfig (no `source` condition), then publint and @arethetypeswrong/cli judge the
// tarball: ESM and CommonJS, each with its own types. The root test runner builds every package
// first; run alone, this test builds the contract itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(pkgDir, '..', '..');
const bin = (name: string) => join(pkgDir, 'node_modules', '.bin', name);
const pnpm = existsSync(join(root, '.tools', 'bin', 'pnpm')) ? join(root, '.tools', 'bin', 'pnpm') : 'pnpm';
let outDir = '';
let tarball = '';

beforeAll(() => {
  if (!existsSync(join(pkgDir, 'dist', 'index.cjs'))) execFileSync(pnpm, ['run', 'build'], { cwd: pkgDir, stdio: 'pipe' });
  outDir = mkdtempSync(join(tmpdir(), 'contract-pack-'));
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

  it('ships only the built entry points and the README', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files).toEqual(
      ['index.cjs', 'index.cjs.map', 'index.d.cts', 'index.d.ts', 'index.js', 'index.js.map'].map((f) => `package/dist/${f}`).concat('package/package.json', 'package/README.md').sort(),
    );
  });

  // In a plain Node process: the test runner resolves the `source` condition, which would load
  // the TypeScript sources instead of the built files.
  it('loads from CommonJS and ESM with the same exports', () => {
    const script = `const cjs = require(${JSON.stringify(join(pkgDir, 'dist', 'index.cjs'))});
import(${JSON.stringify(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href)}).then((esm) => {
  console.log(JSON.stringify({ routes: cjs.listRoutes().length, cjsKeys: Object.keys(cjs).sort(), esmKeys: Object.keys(esm).sort() }));
});`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.status, r.stderr).toBe(0);
    const { routes, cjsKeys, esmKeys } = JSON.parse(r.stdout) as { routes: number; cjsKeys: string[]; esmKeys: string[] };
    expect(routes).toBeGreaterThan(0);
    expect(cjsKeys).toEqual(esmKeys);
  });
});
