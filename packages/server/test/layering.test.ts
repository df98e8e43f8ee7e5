import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The server's modules form layers: a module imports only modules on its own layer or below.
 * A module is a top-level folder of src/ (`keys/`, `http/` with `http/routes/`, …) or a file
 * directly in src/ (`app.ts`, `config.ts`). Lowest first; modules on one line share a layer and
 * may not import each other. Adding a folder means placing it here.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['util'], // pure helpers: base62, assertNever, ids, clock
  ['errors'], // AppError and the one error body (SPEC §7.1)
  ['version', 'config', 'limits', 'logging'], // limits: in-memory rate limits (SPEC §7.3)
  ['storage'], // kysely, dialects, migrations, change feed
  ['idempotency'], // stored responses of Idempotency-Key requests (SPEC §5)
  ['audit'],
  ['settings'],
  ['keys'], // token format, hashing, key lifecycle
  ['access'], // principals, scope and organization rules
  ['users'],
  ['sessions'],
  ['billing'],
  ['commerce'], // sites, checkouts, payment page, transactions, credit notes (SPEC §5, §12)
  ['system'], // organizations, health
  ['portal'],
  ['data-io'], // exports, CSV templates, clients import (SPEC §5)
  ['auth'], // credential parsing and authenticators
  ['services'], // createServices: builds every service, no Express
  ['http'], // Express middleware and routes: parse, call a service, map the result
  ['app'], // createApp, createGateway
  ['index', 'cli'],
];

const src = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function moduleOf(file: string): string {
  const [first, ...rest] = path.relative(src, file).split(path.sep);
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

/** Every relative import (static, type-only, re-export or dynamic) of every source file. */
function imports(): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;
  for (const file of sourceFiles(src)) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const target = path.resolve(path.dirname(file), match[1]!).replace(/\.js$/, '.ts');
      edges.push({ from: file, to: target });
    }
  }
  return edges;
}

const layerOf = new Map(LAYERS.flatMap((mods, layer) => mods.map((m) => [m, layer] as const)));

describe('server module layering', () => {
  const edges = imports();

  it('finds the source files and their imports', () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it('places every module on a layer', () => {
    const modules = new Set(sourceFiles(src).map(moduleOf));
    expect([...modules].filter((m) => !layerOf.has(m))).toEqual([]);
  });

  it('imports only downwards or within the same module', () => {
    const upward = edges
      .filter(({ from, to }) => {
        const a = moduleOf(from);
        const b = moduleOf(to);
        return a !== b && (layerOf.get(b) ?? Infinity) >= (layerOf.get(a) ?? -Infinity);
      })
      .map(({ from, to }) => `${path.relative(src, from)} -> ${path.relative(src, to)}`);
    expect(upward).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const graph = new Map<string, string[]>();
    for (const { from, to } of edges) graph.set(from, [...(graph.get(from) ?? []), to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map((f) => path.relative(src, f)).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
