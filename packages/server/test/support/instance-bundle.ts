import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = join(serverDir, 'node_modules', '.cache', 'gateway-instances');
const bundles = new Map<string, { root: string; file: Promise<string> }>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The instance entry bundled from the TypeScript sources (no prior build; the `source` export
 * condition as in the Vitest config), once per test file. Dependencies stay external, so the
 * bundle lives under the server package's node_modules/.cache where they resolve. A bundle
 * starts in a fraction of the time a per-process TypeScript loader takes on a busy machine.
 */
export function instanceBundle(): Promise<string> {
  return bundleOnce('./instance-main.ts');
}

/** The CLI (src/cli.ts, what `payment-gateway` runs) bundled from the sources the same way: `node <file> <command>`. */
export function cliBundle(): Promise<string> {
  return bundleOnce('../../src/cli.ts');
}

function bundleOnce(entry: string): Promise<string> {
  const existing = bundles.get(entry);
  if (existing) return existing.file;
  // Bundles of test processes that died before disposing of theirs.
  for (const name of readdirSafe(cacheDir)) {
    if (!alive(Number(name.split('-')[0]))) rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
  const root = join(cacheDir, `${process.pid}-${basename(entry, '.ts')}-${Date.now().toString(36)}`);
  const file = (async () => {
    const outDir = join(root, 'dist');
    mkdirSync(outDir, { recursive: true });
    // The sources read ../package.json (the version) relative to dist/, as in the published package.
    copyFileSync(join(serverDir, 'package.json'), join(root, 'package.json'));
    await build({
      configFile: false,
      logLevel: 'warn',
      resolve: { conditions: ['source'] },
      ssr: { resolve: { conditions: ['source'] } },
      build: {
        ssr: fileURLToPath(new URL(entry, import.meta.url)),
        outDir,
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        // better-sqlite3 finds its native addon relative to its own package: it must stay a package.
        rollupOptions: { external: ['better-sqlite3'], output: { format: 'es', entryFileNames: '[name].mjs' } },
      },
    });
    return join(outDir, `${basename(entry, '.ts')}.mjs`);
  })();
  bundles.set(entry, { root, file });
  return file;
}

/** Deletes the bundle once the processes have loaded it (their imports are resolved at start). */
export function disposeInstanceBundle(): void {
  dispose('./instance-main.ts');
}

/** Deletes the CLI bundle (when no CLI process started from it still has to load it). */
export function disposeCliBundle(): void {
  dispose('../../src/cli.ts');
}

function dispose(entry: string): void {
  const bundle = bundles.get(entry);
  if (bundle) rmSync(bundle.root, { recursive: true, force: true });
  bundles.delete(entry);
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
