#!/usr/bin/env node
// Runs a package's build only when one of its inputs changed since its last successful build,
// so `npm start` with nothing changed reaches the server in seconds instead of rebuilding every
// package (tsup, Vite and esbuild always rebuild from scratch; issue 18).
//
//   "build": "node ../../scripts/build-if-changed.mjs build:always",
//   "build:always": "<the package's full build>"
//
// Run from the package directory (as `pnpm run build` does). The inputs are hashed by CONTENT
// (so a checkout that only touches mtimes does not rebuild, and an edit always does):
// - every file of the package except node_modules/, dist/, dot-files and *.tsbuildinfo;
// - the stamp of every workspace package it depends on (so a changed dependency rebuilds its
//   dependents; `pnpm run -r` builds dependencies first);
// - the workspace root's package.json, pnpm-lock.yaml, pnpm-workspace.yaml and
//   tsconfig.base.json, the build command itself and the Node.js version.
// The stamp (the hash of the last successful build) lives in the package's
// node_modules/.cache/build-if-changed/stamp, outside dist/ so it is never published. It is
// deleted before a build runs and written only after it succeeds, so an interrupted or failed
// build always rebuilds next time; a missing dist/ rebuilds too. BUILD_FORCE=1 always rebuilds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const STAMP = join('node_modules', '.cache', 'build-if-changed', 'stamp');
const ROOT_INPUTS = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'tsconfig.base.json'];

function workspaceRoot(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

function packageFiles(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules' || entry.name.endsWith('.tsbuildinfo')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === base && entry.name === 'dist') continue;
      packageFiles(path, base, out);
    } else if (entry.isFile()) {
      out.push(path);
    }
  }
  return out;
}

/** name → directory of every package under the workspace's package folders (`packages/*`, `examples`, `bench`, …). */
function workspacePackages(root) {
  const byName = new Map();
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((l) => /^\s*-\s*['"]?([^'"#\s]+)['"]?/.exec(l)?.[1])
    .filter(Boolean);
  for (const glob of globs) {
    const dirs = glob.endsWith('/*')
      ? readdirSync(join(root, glob.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(root, glob.slice(0, -2), e.name))
      : [join(root, glob)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) byName.set(JSON.parse(readFileSync(file, 'utf8')).name, dir);
    }
  }
  return byName;
}

/** The hash of everything the package's build reads (see the header). */
function inputHash(pkgDir, command) {
  const root = workspaceRoot(pkgDir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const hash = createHash('sha256');
  const add = (label, content) => hash.update(`${label}\0${content.length}\0`).update(content).update('\0');
  add('command', command);
  add('node', process.version);
  for (const f of ROOT_INPUTS) if (existsSync(join(root, f))) add(`root:${f}`, readFileSync(join(root, f)));
  for (const file of packageFiles(pkgDir).sort()) add(`file:${relative(pkgDir, file).split(sep).join('/')}`, readFileSync(file));
  const packages = workspacePackages(root);
  const deps = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies };
  for (const name of Object.keys(deps).sort()) {
    if (!String(deps[name]).startsWith('workspace:') || !packages.has(name)) continue;
    const stamp = join(packages.get(name), STAMP);
    add(`dep:${name}`, existsSync(stamp) ? readFileSync(stamp) : 'unbuilt');
  }
  return hash.digest('hex');
}

function main() {
  const script = process.argv[2];
  const pkgDir = process.cwd();
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const command = pkg.scripts?.[script];
  if (!command) {
    console.error(`build-if-changed: ${pkg.name} has no "${script}" script`);
    process.exit(2);
  }
  const stampFile = join(pkgDir, STAMP);
  const before = inputHash(pkgDir, command);
  const built = existsSync(join(pkgDir, 'dist')) && existsSync(stampFile);
  if (!process.env.BUILD_FORCE && built && readFileSync(stampFile, 'utf8').trim() === before) {
    console.log(`${pkg.name}: build is up to date (no input changed since the last build; BUILD_FORCE=1 rebuilds)`);
    return;
  }
  rmSync(stampFile, { force: true });
  const r = spawnSync(command, { cwd: pkgDir, shell: true, stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // A build that changed its own inputs (or a source edited meanwhile) is not stamped: the next run rebuilds.
  if (inputHash(pkgDir, command) !== before) {
    console.warn(`${pkg.name}: inputs changed during the build; it will rebuild next time`);
    return;
  }
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${before}\n`);
}

main();
