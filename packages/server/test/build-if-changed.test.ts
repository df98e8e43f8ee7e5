/**
 * Issue 18: `npm start` reuses an up-to-date build. Every package's `build` goes through
 * scripts/build-if-changed.mjs, which skips the package's real build (`build:always`) when no
 * input changed since its last successful build. Shown on a throwaway two-package workspace
 * (b depends on a) whose builds count themselves, running the real script: the second build does
 * not rebuild (outputs untouched, "up to date" printed); an edited source, a changed dependency,
 * a deleted output or a failed build do rebuild.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SCRIPT = join(repo, 'scripts', 'build-if-changed.mjs');

// A build that records each run and writes dist/out.txt from its source (and its dependency's output).
const BUILD = `
const fs = require('fs');
fs.rmSync('dist', { recursive: true, force: true });
fs.mkdirSync('dist');
if (fs.existsSync('src/fail')) process.exit(3);
const dep = fs.existsSync('../a/dist/out.txt') && process.env.npm_package_name !== 'a' ? fs.readFileSync('../a/dist/out.txt', 'utf8') : '';
fs.writeFileSync('dist/out.txt', dep + fs.readFileSync('src/index.txt', 'utf8'));
fs.appendFileSync('../../builds.log', require('./package.json').name + '\\n');
`;

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'gw-build-cache-'));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  writeFileSync(join(root, 'package.json'), '{ "name": "root", "private": true }\n');
  writeFileSync(join(root, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
  for (const [name, deps] of [
    ['a', {}],
    ['b', { a: 'workspace:*' }],
  ] as const) {
    const dir = join(root, 'packages', name);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name, scripts: { build: `node ${SCRIPT} build:always`, 'build:always': 'node build.cjs' }, dependencies: deps }),
    );
    writeFileSync(join(dir, 'build.cjs'), BUILD);
    writeFileSync(join(dir, 'src', 'index.txt'), `${name} v1\n`);
  }
  return root;
}

// Each step spawns Node.js a few times; generous on a shared machine (no timing is asserted).
describe('build-if-changed: a build runs only when an input changed', { timeout: 240_000 }, () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  function setup() {
    const root = workspace();
    roots.push(root);
    /** `pnpm run -r build` in dependency order: a, then b; stops at a failure. */
    const buildAll = () => {
      const results: { name: string; status: number | null; output: string }[] = [];
      for (const name of ['a', 'b']) {
        const r = spawnSync(process.execPath, [SCRIPT, 'build:always'], { cwd: join(root, 'packages', name), encoding: 'utf8' });
        results.push({ name, status: r.status, output: r.stdout + r.stderr });
        if (r.status !== 0) break;
      }
      return results;
    };
    const builds = () => (existsSync(join(root, 'builds.log')) ? readFileSync(join(root, 'builds.log'), 'utf8').trim().split('\n') : []);
    const out = (name: string) => join(root, 'packages', name, 'dist', 'out.txt');
    return { root, buildAll, builds, out };
  }

  it('builds once, then reports up to date and leaves the outputs untouched', () => {
    const { buildAll, builds, out } = setup();
    expect(buildAll().map((r) => r.status)).toEqual([0, 0]);
    expect(builds()).toEqual(['a', 'b']);
    const mtimes = ['a', 'b'].map((n) => statSync(out(n)).mtimeMs);

    const second = buildAll();
    expect(second.map((r) => r.status)).toEqual([0, 0]);
    for (const r of second) expect(r.output).toContain(`${r.name}: build is up to date`);
    expect(builds()).toEqual(['a', 'b']);
    expect(['a', 'b'].map((n) => statSync(out(n)).mtimeMs)).toEqual(mtimes);
    expect(readFileSync(out('b'), 'utf8')).toBe('a v1\nb v1\n');
  });

  it('rebuilds an edited package and the packages depending on it, not for a touched-only file', () => {
    const { root, buildAll, builds, out } = setup();
    buildAll();
    const source = join(root, 'packages', 'a', 'src', 'index.txt');
    // Same content, new mtime (a checkout): nothing to do.
    utimesSync(source, new Date(), new Date(Date.now() + 60_000));
    buildAll();
    expect(builds()).toEqual(['a', 'b']);

    writeFileSync(source, 'a v2\n');
    buildAll();
    expect(builds()).toEqual(['a', 'b', 'a', 'b']);
    expect(readFileSync(out('b'), 'utf8')).toBe('a v2\nb v1\n');

    // Only b changes: a stays as it is.
    writeFileSync(join(root, 'packages', 'b', 'src', 'new-file.txt'), 'x');
    buildAll();
    expect(builds()).toEqual(['a', 'b', 'a', 'b', 'b']);
  });

  it('rebuilds when the outputs are gone or the last build failed, and with BUILD_FORCE=1', () => {
    const { root, buildAll, builds } = setup();
    buildAll();
    rmSync(join(root, 'packages', 'b', 'dist'), { recursive: true });
    buildAll();
    expect(builds()).toEqual(['a', 'b', 'b']);

    writeFileSync(join(root, 'packages', 'a', 'src', 'fail'), '');
    expect(buildAll()[0]!.status).toBe(3);
    rmSync(join(root, 'packages', 'a', 'src', 'fail'));
    // The failed build left no stamp: the restored sources (same as the last success) build again;
    // b, built from the same output of a, stays as it is.
    buildAll();
    expect(builds()).toEqual(['a', 'b', 'b', 'a']);

    const forced = spawnSync(process.execPath, [SCRIPT, 'build:always'], {
      cwd: join(root, 'packages', 'a'),
      env: { ...process.env, BUILD_FORCE: '1' },
    });
    expect(forced.status).toBe(0);
    expect(builds()).toEqual(['a', 'b', 'b', 'a', 'a']);
  });

  it("every package of this repository builds through it, so `npm start`'s build step reuses up-to-date outputs", () => {
    for (const name of ['admin', 'contract', 'openapi', 'sdk', 'server']) {
      const pkg = JSON.parse(readFileSync(join(repo, 'packages', name, 'package.json'), 'utf8'));
      expect(pkg.scripts.build, name).toBe('node ../../scripts/build-if-changed.mjs build:always');
      expect(pkg.scripts['build:always'], name).toBeTruthy();
    }
  });
});
