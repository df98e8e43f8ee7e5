// The configuration tables of the READMEs against what src/config.ts reads: every variable the
// server reads is documented, no documented variable is made up, and documented defaults are the
// real ones (SPEC §8: configuration documented). Reads config.ts as text: its schema is private.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SECRET_SETTINGS } from '../src/config.js';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const source = read('../src/config.ts');
const schemaText = source.slice(source.indexOf('const EnvSchema = z.object({'), source.indexOf('\n});', source.indexOf('const EnvSchema')));

/** Each variable of EnvSchema with its `.default(…)`, as the README would print it (`1_440` → `1440`). */
const schema = new Map<string, string | undefined>();
{
  const keys = [...schemaText.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)];
  keys.forEach((m, i) => {
    const block = schemaText.slice(m.index, keys[i + 1]?.index ?? schemaText.length);
    const raw = [...block.matchAll(/\.default\(([^)]*)\)/g)].at(-1)?.[1]?.trim();
    let value: string | undefined;
    if (raw === undefined) value = undefined;
    else if (/^'.*'$/.test(raw)) value = raw.slice(1, -1);
    else if (/^[\d_ *]+$/.test(raw))
      value = String(
        raw
          .replaceAll('_', '')
          .split('*')
          .reduce((a, b) => a * Number(b), 1),
      );
    else value = raw;
    schema.set(m[1] as string, value);
  });
}

interface Row {
  names: string[];
  defaultCell: string;
  text: string;
}

/** Rows of every `| variable | default | meaning |` table in a README. */
function configRows(readme: string): Row[] {
  const rows: Row[] = [];
  for (const table of readme.split('| variable | default | meaning |').slice(1)) {
    for (const line of table.split('\n').slice(2)) {
      if (!line.startsWith('|')) break;
      const [, first = '', defaultCell = ''] = line.split(/(?<!\\)\|/);
      rows.push({ names: [...first.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] as string), defaultCell, text: line });
    }
  }
  return rows;
}

const READMES = { 'README.md': read('../../../README.md'), 'packages/server/README.md': read('../README.md') };

describe('README configuration tables match src/config.ts', () => {
  it('finds the schema', () => expect(schema.size).toBeGreaterThan(30));

  it('the repository README documents every variable the server reads', () => {
    const rows = configRows(READMES['README.md']);
    const documented = rows.map((r) => r.text).join('\n');
    expect([...schema.keys()].filter((name) => !documented.includes(`\`${name}\``))).toEqual([]);
    // `<NAME>_FILE` of every secret setting: the "Secrets from files" paragraph names each one.
    const files = READMES['README.md'].slice(READMES['README.md'].indexOf('**Secrets from files.**'));
    expect(SECRET_SETTINGS.filter((name) => !files.slice(0, 600).includes(`\`${name}\``))).toEqual([]);
  });

  it.each(Object.keys(READMES))('%s: no documented variable that the server does not read, and the defaults are the real ones', (file) => {
    const rows = configRows(READMES[file as keyof typeof READMES]);
    expect(rows.length).toBeGreaterThan(0);
    const unknown = rows.flatMap((r) => r.names).filter((name) => !schema.has(name));
    expect(unknown, 'documented but not read by config.ts').toEqual([]);
    const wrong = rows
      .filter((r) => r.names.length === 1 && schema.get(r.names[0] as string) !== undefined)
      .filter((r) => !r.defaultCell.includes(`\`${schema.get(r.names[0] as string)}\``))
      .map((r) => `${r.names[0]}: README says ${r.defaultCell.trim()}, config.ts ${schema.get(r.names[0] as string)}`);
    expect(wrong).toEqual([]);
  });
});
