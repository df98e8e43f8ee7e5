import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOpenApiDocument, serializeOpenApiDocument } from './generate.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const redocly = join(packageDir, 'node_modules', '.bin', 'redocly');

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Runs `redocly lint` (recommended rules, per redocly.yaml) on a file and returns its JSON report. */
async function lint(cwd: string, file = 'openapi.json'): Promise<LintReport> {
  const result = await run(redocly, ['lint', file, '--format=json'], {
    cwd,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  }).catch((error: { stdout?: string; code?: number }) => {
    // A lint failure exits non-zero but still prints the report.
    if (error.stdout) return { stdout: error.stdout };
    throw error;
  });
  return JSON.parse(result.stdout) as LintReport;
}

const describeProblems = (report: LintReport) =>
  report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`).join('\n');

const scratch = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Redocly CLI lint (recommended)', () => {
  it('reports no errors and no warnings on the committed document, with nothing ignored', async () => {
    const report = await lint(packageDir);
    expect(existsSync(join(packageDir, '.redocly.lint-ignore.yaml')), 'no ignore file: the published package would lack it').toBe(false);
    expect(report.totals.ignored).toBe(0);
    expect(report.totals.errors, describeProblems(report)).toBe(0);
    expect(report.totals.warnings, describeProblems(report)).toBe(0);
  });

  it('fails a document that breaks a recommended rule (the lint is really running)', async () => {
    const doc = generateOpenApiDocument();
    delete (doc.paths!['/auth/whoami']!.get as { summary?: string }).summary;
    copyFileSync(join(packageDir, 'redocly.yaml'), join(scratch, 'redocly.yaml'));
    writeFileSync(join(scratch, 'openapi.json'), serializeOpenApiDocument(doc));
    const report = await lint(scratch);
    expect(report.problems.map((p) => p.ruleId)).toContain('operation-summary');
    expect(report.totals.errors).toBeGreaterThan(0);
  });
});
