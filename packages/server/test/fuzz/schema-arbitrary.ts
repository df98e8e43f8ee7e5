// fast-check arbitraries derived from the OpenAPI document's JSON schemas: mostly valid values
// (so requests get past validation and reach services and storage), biased towards real ids.
import fc from 'fast-check';
import { resolve, type JsonSchema, type OpenApiDocument } from './operations.js';

/** Real values by property or parameter name (e.g. `clientId` → existing client ids). */
export type Hints = Readonly<Record<string, readonly string[]>>;

const DEPTH_LIMIT = 6;

function patternArbitrary(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return fc.string();
  }
}

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  if (s.pattern) return patternArbitrary(s.pattern);
  switch (s.format) {
    case 'email':
      return fc.oneof(fc.constantFrom('alice@example.com', 'bob@example.com', 'Carol@Example.COM'), fc.emailAddress());
    case 'date-time':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
            .map((d) => d.toISOString()),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '9999-12-31T23:59:59.999Z',
            '1970-01-01T00:00:00.000Z',
            '2038-01-19T03:14:08.000Z',
            '0001-01-01T00:00:00.000Z',
          ),
        },
      );
    case 'date':
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .date({ min: new Date(Date.now() + 86_400_000), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10)),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '9999-12-31',
            '9999-12-01',
            '2038-01-19',
            '2100-02-28',
            '2096-02-29',
            new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
          ),
        },
      );
    case 'uri':
    case 'url':
      return fc.webUrl();
    default: {
      const minLength = s.minLength ?? 0;
      const maxLength = Math.min(s.maxLength ?? 40, minLength + 60);
      return fc.oneof(
        { weight: 3, arbitrary: fc.string({ minLength, maxLength }) },
        { weight: 2, arbitrary: fc.string({ minLength, maxLength, unit: 'grapheme' }) },
        { weight: 2, arbitrary: fc.string({ minLength, maxLength, unit: 'binary' }) },
        // Control characters that some databases cannot store (PostgreSQL text refuses U+0000).
        {
          weight: 1,
          arbitrary: fc.string({
            minLength: Math.max(minLength, 1),
            maxLength,
            unit: fc.constantFrom('a', '\u0000', '\u0001', '\u001b', '\u007f', '\u2028', '\ud800', '\ufeff'),
          }),
        },
      );
    }
  }
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000);
  if (integer)
    return fc.integer({ min: Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER)), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) });
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/**
 * An arbitrary of values that (mostly) satisfy `schema`. Object properties named in `hints`
 * draw from the real values there half of the time; optional properties are sometimes left out.
 */
export function fromSchema(doc: OpenApiDocument, schema: JsonSchema, hints: Hints = {}, name = '', depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(doc, schema);
  const hinted = name ? hints[name] : undefined;
  const own = ownArbitrary(doc, s, hints, depth);
  return hinted && hinted.length > 0 ? fc.oneof(fc.constantFrom(...hinted), own) : own;
}

function ownArbitrary(doc: OpenApiDocument, s: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((a) => fromSchema(doc, a, hints, '', depth + 1)));
  if (s.allOf && s.allOf.length > 0) return fromSchema(doc, s.allOf[0]!, hints, '', depth + 1);
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => ownArbitrary(doc, { ...s, type: t }, hints, depth)));
  if (depth > DEPTH_LIMIT) return fc.constant(null);
  switch (type[0]) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? 4, minLength + 4);
      return fc.array(s.items ? fromSchema(doc, s.items, hints, '', depth + 1) : fc.anything(), { minLength, maxLength });
    }
    case 'object':
    case undefined: {
      if (!s.properties)
        return type[0] === 'object'
          ? fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 })
          : fc.jsonValue({ maxDepth: 2 });
      const required = new Set(s.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(s.properties)) shape[key] = fromSchema(doc, value, hints, key, depth + 1);
      return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
