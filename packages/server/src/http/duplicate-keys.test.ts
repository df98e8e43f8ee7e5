import { describe, expect, it } from 'vitest';
import { firstDuplicateKey } from './duplicate-keys.js';

const scan = (text: string) => firstDuplicateKey(Buffer.from(text, 'utf8'));

describe('firstDuplicateKey', () => {
  it('finds a repeated name and says in which object', () => {
    expect(scan('{"a":1,"a":2}')).toEqual({ path: 'body', key: 'a' });
    expect(scan('{"x":{"b":1,"c":[1,{"d":0,"d":1}]}}')).toEqual({ path: 'body.x.c.1', key: 'd' });
    expect(scan('[{"a":1},{"a":1,"b":2,"a":3}]')).toEqual({ path: 'body.1', key: 'a' });
    expect(scan('{"é":1,"\\u00e9":2}')).toEqual({ path: 'body', key: 'é' });
    expect(scan('{"😀":1,"\\ud83d\\ude00":2}')).toEqual({ path: 'body', key: '😀' });
  });

  it('ignores names in sibling or nested objects, and structure inside strings', () => {
    for (const text of [
      '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
      '{"a":"{\\"a\\":1,\\"a\\":2}","b":"[,,,]"}',
      '{"a":"\\\\","b":"\\"}","c":1}',
      '{"a":[1,2,{"b":[]}],"b":{}}',
      '"a"',
      '[]',
      '{}',
      '{"A":1,"a":2,"a ":3}',
    ]) {
      expect(scan(text), text).toBeNull();
    }
  });

  it('survives nesting far deeper than any stack and text that is not JSON', () => {
    expect(scan(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toBeNull();
    expect(scan(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)).toBeNull();
    for (const junk of ['{"a', '}}}{', '{"a":1,"a', '"\\', '{"\\u12":1,"\\u12":2}']) expect(() => scan(junk)).not.toThrow();
  });
});
