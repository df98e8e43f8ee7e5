import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const spectral = join(packageDir, 'node_modules', '.bin', 'spectral');

interface SpectralResult {
  code: string;
  message: string;
  path: string[];
  severity: number;
}

/** Runs `spectral lint` with the package's ruleset (`spectral:oas`) and returns every result. */
async function lint(cwd: string): Promise<SpectralResult[]> {
  const out = join(cwd, 'spectral-report.json');
  await run(
    spectral,
    ['lint', 'openapi.json', '--ruleset', join(cwd, '.spectral.yaml'), '--format', 'json', '--output', out, '--fail-severity', 'hint'],
    {
      cwd,
    },
  ).catch((error: { code?: number }) => {
    // Findings exit non-zero; the report is still written.
    if (error.code !== 1) throw error;
  });
  const { readFileSync } = await import('node:fs');
  return JSON.parse(readFileSync(out, 'utf8')) as SpectralResult[];
}

const describeResults = (results: SpectralResult[]) => results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`).join('\n');

const scratch = mkdtempSync(join(tmpdir(), 'openapi-spectral-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Spectral lint (spectral:oas)', () => {
  it('reports nothing at all on the committed document (errors, warnings, hints)', async () => {
    const dir = mkdtempSync(join(scratch, 'committed-'));
    copyFileSync(join(packageDir, 'openapi.json'), join(dir, 'openapi.json'));
    copyFileSync(join(packageDir, '.spectral.yaml'), join(dir, '.spectral.yaml'));
    const results = await lint(dir);
    expect(results, describeResults(results)).toEqual([]);
  }, 60_000);

  it('reports scopes listed on a bearer scheme (the lint is really running)', async () => {
    const dir = mkdtempSync(join(scratch, 'broken-'));
    const doc = generateOpenApiDocument();
    const op = doc.paths!['/auth/whoami']!.get!;
    op.security = [{ apiKey: ['api_key:read'] }];
    delete doc.info.contact;
    writeFileSync(join(dir, 'openapi.json'), serializeOpenApiDocument(doc));
    copyFileSync(join(packageDir, '.spectral.yaml'), join(dir, '.spectral.yaml'));
    const codes = (await lint(dir)).map((r) => r.code);
    expect(codes).toContain('oas3-operation-security-defined');
    expect(codes).toContain('info-contact');
  }, 60_000);
});
