// Packaging checks on the built package, as it would be published: `pnpm pack` applies
// publishConfig (no `source` condition), then publint and @arethetypeswrong/cli judge the
// tarball: ESM and CommonJS, each with its own types. The root test runner builds every package
// first; run alone, this test builds the contract itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itPassesPackageLinters, loadBothFormats, pack } from '../../../scripts/test-support/package-checks.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let outDir = '';
let tarball = '';

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'contract-pack-'));
  tarball = pack(pkgDir, outDir);
}, 120_000);
afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('published package', () => {
  itPassesPackageLinters(pkgDir, () => tarball);

  it('ships only the built entry points and the README', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files).toEqual(
      ['index.cjs', 'index.cjs.map', 'index.d.cts', 'index.d.ts', 'index.js', 'index.js.map']
        .map((f) => `package/dist/${f}`)
        .concat('package/package.json', 'package/README.md')
        .sort(),
    );
  });

  it('loads from CommonJS and ESM with the same exports', () => {
    expect(loadBothFormats(pkgDir, 'cjs.listRoutes().length')).toBeGreaterThan(0);
  });
});
