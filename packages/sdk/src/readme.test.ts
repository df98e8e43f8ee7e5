// The README's Resources table names every resource of the client and every method on it, so a
// method added to the SDK (e.g. for a new contract route) is documented the day it is added.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PaymentGateway } from './client.js';
import { KEY } from './test-support/msw.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Resources'), readme.indexOf('\n## ', readme.indexOf('## Resources') + 1));
const rows = new Map([...section.matchAll(/^\| `gw\.(\w+)(?:\(\))?` \| (.*) \|$/gm)].map((m) => [m[1] as string, m[2] as string] as const));

/** Public method names of an object, along its prototype chain (not Object's). */
function methodsOf(value: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(value); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof (value as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names];
}

const gw = new PaymentGateway({ apiKey: KEY, baseUrl: 'http://gateway.test' });
const resources = Object.entries(gw).filter(([, value]) => typeof value === 'object' && value !== null) as [string, object][];

describe('SDK README: the Resources table', () => {
  it('has a row for whoami and for every resource', () => {
    expect([...rows.keys()].sort()).toEqual(['whoami', ...resources.map(([name]) => name)].sort());
  });

  it.each(resources)('gw.%s: names every method (and every method of its sub-resources)', (name, resource) => {
    const row = rows.get(name) ?? '';
    const missing = methodsOf(resource).filter((m) => !new RegExp(`\\b${m}\\b`).test(row));
    for (const [child, value] of Object.entries(resource)) {
      if (typeof value !== 'object' || value === null) continue;
      for (const m of methodsOf(value)) if (!new RegExp(`\\b${child}\\.[\\w/]*\\b${m}\\b`).test(row)) missing.push(`${child}.${m}`);
    }
    expect(missing, `README row of gw.${name}: ${row}`).toEqual([]);
  });
});
