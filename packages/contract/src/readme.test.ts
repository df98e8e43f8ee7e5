import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESOURCES, SCOPE_CATALOGUE } from './scopes.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README scope table', () => {
  it.each(RESOURCES)('lists %s with exactly its actions', (resource) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${resource}\` |`));
    expect(row, `README.md has no row for ${resource}`).toBeDefined();
    const actions = [...row!.split('|')[2]!.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(actions).toEqual(Object.keys(SCOPE_CATALOGUE[resource].actions));
  });
});
