// Packaging checks on the built package, as it would be published: `pnpm pack` applies
// publishConfig (no `source` condition) and workspace versions, then publint and
// @arethetypeswrong/cli judge the tarball, and two throwaway consumer projects (CommonJS and ESM,
// strict, `skipLibCheck: false`) install the SDK and contract tarballs, typecheck and run. The
// root test runner builds every package first; run alone, this test builds what it packs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itPassesPackageLinters, loadBothFormats, pack, root } from '../../../scripts/test-support/package-checks.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const contractDir = join(root, 'packages', 'contract');
let outDir = '';
let tarball = '';
let contractTarball = '';

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'sdk-pack-'));
  tarball = pack(pkgDir, join(outDir, 'sdk'));
  contractTarball = pack(contractDir, join(outDir, 'contract'));
}, 180_000);
afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('published package', () => {
  itPassesPackageLinters(pkgDir, () => tarball);

  it('loads from CommonJS and ESM with the same exports', () => {
    expect(loadBothFormats(pkgDir, 'typeof cjs.PaymentGateway')).toBe('function');
  });

  // SPEC §10: Node ≥ 18, Bun, Deno and edge runtimes. The runtime code (the SDK and the
  // contract it imports) must use only web-standard APIs: no Node built-ins, no Node globals.
  it.each([
    ['sdk', join(pkgDir, 'dist', 'index.js')],
    ['contract', join(contractDir, 'dist', 'index.js')],
  ])('the %s ESM build uses no Node-only API', (_name, file) => {
    const code = readFileSync(file, 'utf8');
    const imports = [...code.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    expect(imports.length, 'the build imports its dependencies').toBeGreaterThan(0);
    expect(imports.filter((i) => i.startsWith('node:') || !/^(@payment-gateway\/contract|@ts-rest\/core|zod)$/.test(i))).toEqual([]);
    for (const nodeOnly of [/\bprocess\./, /\bBuffer\./, /\brequire\(/, /__dirname/, /\bsetImmediate\(/])
      expect(code).not.toMatch(nodeOnly);
  });
});

// A consumer as npm would lay it out: both tarballs unpacked into node_modules, their
// dependencies (and @types/node) linked from this workspace, so the check runs offline.
function createConsumer(type: 'commonjs' | 'module', files: Record<string, string>): string {
  const dir = join(outDir, `consumer-${type}`);
  const modules = join(dir, 'node_modules');
  const unpack = (tgz: string, name: string) => {
    mkdirSync(join(modules, name), { recursive: true });
    execFileSync('tar', ['-xzf', tgz, '-C', join(modules, name), '--strip-components=1']);
  };
  unpack(tarball, '@payment-gateway/sdk');
  unpack(contractTarball, '@payment-gateway/contract');
  const requireFromSdk = createRequire(join(pkgDir, 'package.json'));
  const link = (name: string, from: string) => {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(realpathSync(from), join(modules, name), 'dir');
  };
  link('zod', dirname(requireFromSdk.resolve('zod/package.json')));
  link('@ts-rest/core', dirname(requireFromSdk.resolve('@ts-rest/core/package.json')));
  link('@types/node', join(root, 'node_modules', '@types', 'node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        allowJs: true,
        checkJs: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'out',
      },
      include: ['src'],
    }),
  );
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'src', name)), { recursive: true });
    writeFileSync(join(dir, 'src', name), text);
  }
  return dir;
}

function typecheckAndRun(dir: string, entry: string) {
  const env = { ...process.env, NODE_OPTIONS: '' };
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--listFiles'], {
    encoding: 'utf8',
    env,
  });
  const ran = tsc.status === 0 ? spawnSync(process.execPath, [join(dir, 'out', entry)], { cwd: dir, encoding: 'utf8', env }) : undefined;
  const output = `${tsc.stdout}\n${tsc.stderr}`;
  const errors = output.split('\n').filter((line) => line.includes('error TS'));
  return { tsc: { status: tsc.status, output, errors }, run: { status: ran?.status, output: `${ran?.stdout}\n${ran?.stderr}` } };
}

// Instantiates the client, and proves the types are real (not `any`): the @ts-expect-error lines
// fail the build if the SDK's types did not resolve.
const consumerBody = `
const client = new PaymentGateway({ apiKey: async () => 'sk_from_a_secret_store', baseUrl: 'https://pay.example.com' });
// @ts-expect-error apiKey is required
void (() => new PaymentGateway({}));
let code = '';
try {
  new PaymentGateway({ apiKey: 'not-a-key' });
} catch (err) {
  if (err instanceof PaymentGatewayConfigError) code = err.code;
}
const unauthenticated: ErrorCode = 'INVALID_CREDENTIALS';
console.log(JSON.stringify({ baseUrl: client.baseUrl, list: typeof client.invoices.list, code, unauthenticated, errorCode: unauthenticated in ERROR_CODES }));
`;

describe('consumers of the published tarballs (strict, skipLibCheck: false)', () => {
  const expected = {
    baseUrl: 'https://pay.example.com',
    list: 'function',
    code: 'INVALID_API_KEY',
    unauthenticated: 'INVALID_CREDENTIALS',
    errorCode: true,
  };

  it('a CommonJS project (module node16) typechecks against the .d.cts files and runs', () => {
    const dir = createConsumer('commonjs', {
      'index.ts': `import { PaymentGateway, PaymentGatewayConfigError } from '@payment-gateway/sdk';
import sdk = require('@payment-gateway/sdk');
import { ERROR_CODES, type ErrorCode } from '@payment-gateway/contract';
${consumerBody}
if (sdk.PaymentGateway !== PaymentGateway) throw new Error('two copies of PaymentGateway');
require('./required.js');
`,
      'required.js': `const { PaymentGateway } = require('@payment-gateway/sdk');
/** @type {import('@payment-gateway/sdk').PaymentGatewayOptions} */
const options = { apiKey: () => 'sk_from_a_secret_store' };
// @ts-expect-error timeout is a number
void (() => new PaymentGateway({ ...options, timeout: '1s' }));
console.log(JSON.stringify({ required: new PaymentGateway(options).baseUrl }));
`,
    });
    const { tsc, run } = typecheckAndRun(dir, 'index.js');
    expect(tsc.errors).toEqual([]);
    expect(tsc.status).toBe(0);
    expect(tsc.output).toMatch(/@payment-gateway\/sdk\/dist\/index\.d\.cts/);
    expect(tsc.output).toMatch(/@payment-gateway\/contract\/dist\/index\.d\.cts/);
    expect(tsc.output).not.toMatch(/@payment-gateway\/(sdk|contract)\/dist\/index\.d\.ts/);
    expect(run.status, run.output).toBe(0);
    const [first, second] = run.output.trim().split('\n');
    expect(JSON.parse(first!)).toEqual(expected);
    expect(JSON.parse(second!)).toEqual({ required: 'http://localhost:3000' });
  }, 150_000);

  it('an ES module project (module node16) typechecks against the .d.ts files and runs', () => {
    const dir = createConsumer('module', {
      'index.ts': `import { PaymentGateway, PaymentGatewayConfigError } from '@payment-gateway/sdk';
import { ERROR_CODES, type ErrorCode } from '@payment-gateway/contract';
${consumerBody}`,
    });
    const { tsc, run } = typecheckAndRun(dir, 'index.js');
    expect(tsc.errors).toEqual([]);
    expect(tsc.status).toBe(0);
    expect(tsc.output).toMatch(/@payment-gateway\/sdk\/dist\/index\.d\.ts/);
    expect(tsc.output).toMatch(/@payment-gateway\/contract\/dist\/index\.d\.ts/);
    expect(run.status, run.output).toBe(0);
    expect(JSON.parse(run.output.trim())).toEqual(expected);
  }, 150_000);
});
