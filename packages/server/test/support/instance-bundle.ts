import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const serverDir = fileURLToPath(new URL('../../', import.meta.url));
let bundle: Promise<string> | null = null;

/**
 * The instance entry bundled from the TypeScript sources (no prior build; the `source` export
 * condition as in the Vitest config), once per test file. Dependencies stay external, so the
 * bundle lives under the server package's node_modules/.cache where they resolve. A bundle
 * starts in a fraction of the time a per-process TypeScript loader takes on a busy machine.
 */
export function instanceBundle(): Promise<string> {
  bundle ??= (async () => {
    const root = join(serverDir, 'node_modules', '.cache', 'gateway-instances', `${process.pid}-${Date.now().toString(36)}`);
    const outDir = join(root, 'dist');
    mkdirSync(outDir, { recursive: true });
    // The sources read ../package.json (the version) relative to dist/, as in the published package.
    copyFileSync(join(serverDir, 'package.json'), join(root, 'package.json'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    await build({
      configFile: false,
      logLevel: 'warn',
      resolve: { conditions: ['source'] },
      ssr: { resolve: { conditions: ['source'] } },
      build: {
        ssr: fileURLToPath(new URL('./instance-main.ts', import.meta.url)),
        outDir,
        emptyOutDir: true,
        target: 'node20',
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: '[name].mjs' } },
      },
    });
    return join(outDir, 'instance-main.mjs');
  })();
  return bundle;
}
