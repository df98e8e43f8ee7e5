import { defineConfig } from 'tsup';

// ky is ESM-only: bundling it makes the CommonJS build load on every Node version (and keeps one
// code path for ESM). The contract, zod and @ts-rest/core ship both formats (with .d.cts types)
// and stay dependencies, so the CommonJS declarations import the contract's CommonJS ones.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'neutral',
  noExternal: ['ky'],
  external: ['@payment-gateway/contract', 'zod', '@ts-rest/core'],
  dts: { resolve: ['ky'], compilerOptions: { composite: false, customConditions: ['source'], ignoreDeprecations: '6.0' } },
  esbuildOptions(options) {
    options.conditions = ['source', 'import', 'module', 'default'];
  },
  clean: true,
  sourcemap: true,
  splitting: false,
  treeshake: true,
});
