import { defineConfig } from 'tsup';

// ky and the contract are ESM-only: bundling them makes the CommonJS build load on every Node
// version (and keeps one code path for ESM). zod and @ts-rest/core ship both formats and stay
// dependencies.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'neutral',
  noExternal: ['@payment-gateway/contract', 'ky'],
  external: ['zod', '@ts-rest/core'],
  dts: { resolve: ['@payment-gateway/contract', 'ky'], compilerOptions: { composite: false, customConditions: ['source'], ignoreDeprecations: '6.0' } },
  esbuildOptions(options) {
    options.conditions = ['source', 'import', 'module', 'default'];
  },
  clean: true,
  sourcemap: true,
  splitting: false,
  treeshake: true,
});
