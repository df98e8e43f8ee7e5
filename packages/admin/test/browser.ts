import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the panel into packages/admin/dist when it is not built yet or older than its sources (a targeted Vitest run
 * without `npm run build`), so the server under test serves the current sources' app.
 */
export async function ensurePanelBuilt(): Promise<void> {
  const index = join(packageDir, 'dist', 'index.html');
  const fresh = () => existsSync(index) && newestSource(join(packageDir, 'src')) <= statSync(index).mtimeMs;
  if (fresh()) return;
  // Test files run in parallel: one builds, the others wait for its lock to go.
  const lock = join(packageDir, '.build.lock');
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 120_000) rmSync(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (fresh()) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would bundle React's development build: build what ships.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: packageDir, configFile: join(packageDir, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmSync(lock, { force: true });
  }
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (through the DevTools protocol, so the page's CSP is untouched) and
 * returns the serious and critical violations (WCAG 2.x A/AA rules).
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
