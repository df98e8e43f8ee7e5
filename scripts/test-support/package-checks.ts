// Packaging checks shared by the published packages' `package.test.ts` (contract and SDK).
// Lives outside every package, so it is never in a published `files` list.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pnpm = existsSync(join(root, '.tools', 'bin', 'pnpm')) ? join(root, '.tools', 'bin', 'pnpm') : 'pnpm';

/** Builds the package if it has no build yet, then `pnpm pack`s it into `dest`; returns the tarball. */
export function pack(pkgDir: string, dest: string): string {
  if (!existsSync(join(pkgDir, 'dist', 'index.cjs'))) execFileSync(pnpm, ['run', 'build'], { cwd: pkgDir, stdio: 'pipe' });
  mkdirSync(dest, { recursive: true });
  execFileSync(pnpm, ['pack', '--pack-destination', dest], { cwd: pkgDir, stdio: 'pipe' });
  return join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz'))!);
}

function run(pkgDir: string, bin: string, args: string[]) {
  const r = spawnSync(join(pkgDir, 'node_modules', '.bin', bin), args, {
    cwd: pkgDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** publint (strict) and @arethetypeswrong/cli on the tarball `tarball()` returns once packed. */
export function itPassesPackageLinters(pkgDir: string, tarball: () => string): void {
  it('passes publint (strict)', () => {
    const r = run(pkgDir, 'publint', ['run', tarball(), '--strict']);
    expect(r.output).toContain('All good');
    expect(r.status).toBe(0);
  });

  it('passes @arethetypeswrong/cli for node10, node16 (CJS and ESM) and bundlers', () => {
    const r = run(pkgDir, 'attw', [tarball(), '--format', 'ascii']);
    expect(r.output).toContain('No problems found');
    expect(r.status).toBe(0);
  });
}

/**
 * Loads the built package from CommonJS and ESM in a plain Node process (the test runner
 * resolves the `source` condition, which would load TypeScript sources instead of the built
 * files), asserts both export the same names, and returns `probe` evaluated on the CJS exports.
 */
export function loadBothFormats(pkgDir: string, probe: string): unknown {
  const script = `const cjs = require(${JSON.stringify(join(pkgDir, 'dist', 'index.cjs'))});
import(${JSON.stringify(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href)}).then((esm) => {
  console.log(JSON.stringify({ probe: ${probe}, cjsKeys: Object.keys(cjs).sort(), esmKeys: Object.keys(esm).sort() }));
});`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(r.status, r.stderr).toBe(0);
  const { probe: value, cjsKeys, esmKeys } = JSON.parse(r.stdout) as { probe: unknown; cjsKeys: string[]; esmKeys: string[] };
  expect(cjsKeys).toEqual(esmKeys);
  return value;
}
