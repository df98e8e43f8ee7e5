// Every example script can be run the way the README says: it has a `pnpm run` script in
// package.json, a row in the README's table and a line in "Run them" (export-clients once had none).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('./', import.meta.url);
const readme = readFileSync(new URL('README.md', dir), 'utf8');
const scripts = (JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The runnable examples: the files that export `main(env, log)`. */
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .filter((f) => /export async function main\(/.test(readFileSync(new URL(f, dir), 'utf8')))
  .map((f) => f.slice(0, -'.ts'.length));
const runBlock = readme.slice(readme.indexOf('**3. Run a script**'), readme.indexOf('## Environment'));

describe('examples are runnable as the README says', () => {
  it('finds the examples', () => expect(examples.length).toBeGreaterThanOrEqual(9));

  it.each(examples)('%s: a package.json script, a README table row and a run line', (name) => {
    expect(scripts[name], `examples/package.json has no "${name}" script`).toBe(`tsx ${name}.ts`);
    expect(readme).toContain(`| [\`${name}.ts\`](${name}.ts) |`);
    expect(runBlock).toMatch(new RegExp(`pnpm run ${name}\\b`));
  });

  it('documents every environment variable the examples read', () => {
    const table = readme.slice(readme.indexOf('## Environment'), readme.indexOf('## As code'));
    const read = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) read.add(m[1] as string);
    }
    // Set by secret-store-rotation itself (the "env" store), not by the reader.
    read.delete('PAYMENT_GATEWAY_API_KEY');
    expect([...read].filter((v) => !table.includes(`\`${v}\``))).toEqual([]);
  });
});
