import { defineConfig } from 'tsup';

// The published files: ESM and CommonJS, each with its own declarations (.d.ts / .d.cts), so a
// CommonJS consumer (and the SDK's CommonJS types) never has to import an ES module's types.
// `tsc -b` still builds this project for references; it only writes declarations to dist/tsc.
// zod and @ts-rest/core ship both formats and stay dependencies.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'neutral',
  dts: { compilerOptions: { composite: false, ignoreDeprecations: '6.0' } },
  clean: true,
  sourcemap: true,
  splitting: false,
  treeshake: true,
});
