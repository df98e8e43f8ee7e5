#!/usr/bin/env node
// Bundles the built CLI (dist/cli.js, tsc output) into one ESM file, dist/payment-gateway.mjs,
// the package's `bin`. Loading ~1 000 small module files (kysely, express, jose, …) dominated
// the server's startup; one file starts in about a third of the time and uses less memory.
// dist/*.js stay as they are: they are the library (`@payment-gateway/server` → dist/index.js).
//
// Kept external, resolved at runtime from this package's node_modules:
// - better-sqlite3: native addon (loads its .node file relative to its own package);
// - pg, pg-native: only loaded with DATABASE_URL (dynamic import), and pg-native is optional;
// - ioredis: only loaded with REDIS_URL (dynamic import);
// - swagger-ui-dist, @payment-gateway/openapi: only their files are read (require.resolve).
// dist/ is the directory of both the tsc output and the bundle, so paths relative to
// import.meta.url (version.ts reads ../package.json) resolve the same from either.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const result = await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli.js'],
  outfile: 'dist/payment-gateway.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg', 'pg-native', 'ioredis', 'swagger-ui-dist', '@payment-gateway/openapi'],
  // CommonJS dependencies (express, pino, …) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __gatewayCreateRequire } from 'node:module';\nconst require = __gatewayCreateRequire(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
console.log(
  `bundled dist/cli.js → dist/payment-gateway.mjs (${(bytes / 1024).toFixed(0)} KiB, ${Object.keys(result.metafile.inputs).length} modules)`,
);
