// Hostile inputs the fuzzer mixes into otherwise plausible requests. Each list is a kind of input
// that has broken a server before (issue #11): keep adding to them, never remove.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

/** Path segments exactly as sent on the wire (already percent-encoded, or deliberately not). */
export const HOSTILE_SEGMENTS: readonly string[] = [
  '%zz', '%', '%2', '%G0', '%00', '%ff%fe', '%C0%AE', '%E2%82', '%ED%A0%80', '%F0%9F%92%A9', '%2F', 'a%2Fb', '%2e%2e', '..', '.',
  '%20', '+', ';', ',', '%%', '%u0041', "'", '%22', '%3Cscript%3E', '$%7B%7D', 'null', 'undefined', '0', '-1', '1e21',
  '461168601842738791', '9007199254740993', 'org_AAAAAAAAAAAAAAAA', 'usr_AAAAAAAAAAAAAAAA', 'cli_AAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAA',
  `org_${'A'.repeat(40)}`, 'A'.repeat(3000), '%C3%A9', 'caf%C3%A9', '~', '*', '%0A', '%0D%0A', '%09', '__proto__', 'constructor',
];

/** Query values as sent on the wire. */
export const HOSTILE_QUERY_VALUES: readonly string[] = [
  '1e21', '461168601842738791', '9007199254740993', '4294967296', '2147483648', '1000001', '-1', '0', '', '%20', '1.5', 'NaN',
  'Infinity', '-Infinity', '0x10', '%EF%BC%91', '1%00', '%zz', '%', 'a'.repeat(5000), '%5B%5D', '%7B%7D', 'null', 'true', '%00',
  '%C3%A9', 'a%00b', '+1', '01', '1e2', '100', '101', '99999999999999999999999', 'active', 'revoked', '2030-01-01T00:00:00.000Z',
  '2030-13-45T99:99:99Z', 'org_AAAAAAAAAAAAAAAA', '%F0%9F%92%A9',
];

/** Whole query-string fragments that change the structure, not only a value. */
export const HOSTILE_QUERY_PARTS: readonly string[] = [
  'page=1&page=2', 'limit=1&limit=2', 'limit[]=1', 'page[]=1', 'x[a]=1', 'page[a]=1', '__proto__=1', '__proto__[x]=1',
  'constructor[prototype][x]=1', '&&&', '=', '==', 'page', 'limit=', '%zz=1', 'a=%zz', 'status=active&status=revoked',
  'email[]=a@b.c', 'page=%EF%BC%91', `pad=${'x'.repeat(4000)}`, 'page=1;limit=2', 'page=1&limit=100&page=1000001',
];

/** Values for X-Organization-ID and other headers whose value the server reads or must ignore. */
export const HOSTILE_HEADER_VALUES: readonly string[] = [
  '', ' ', 'org_AAAAAAAAAAAAAAAA', 'null', '%zz', '0', '-1', '1e21', 'A'.repeat(4000), '\u00e9\u00ff', 'a, b', '"quoted"', '\t',
  '[]', '{}', 'Bearer', 'true',
];

export const AUTH_GARBAGE: readonly string[] = [
  '', 'Bearer', 'Bearer ', 'Bearer  ', 'bearer x', 'BEARER x', 'Basic dXNlcjpwYXNz', 'Bearer sk_', 'Bearer sk_.', `Bearer sk_${'A'.repeat(22)}.${'B'.repeat(49)}`,
  `Bearer sk_${'A'.repeat(22)}.${'B'.repeat(48)}`, `Bearer sk_${'%'.repeat(22)}.${'B'.repeat(49)}`, 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Bearer a.b.c',
  'Bearer pml_xxx', 'Bearer pps_xxx', `Bearer ${'x'.repeat(6000)}`, 'Bearer \u00e9\u00e9', 'Bearer x y', 'Token abc', 'Bearer null', 'Bearer undefined',
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfeCJ9.AAAA', 'Bearer sk_AAAAAAAAAAAAAAAAAAAAAA.%zz',
];

export const CONTENT_TYPES: readonly string[] = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"',
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=utf-32', 'application/json; charset=',
  'application/json; charset=bogus-9', 'APPLICATION/JSON', 'text/plain', 'text/json', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz', 'application/merge-patch+json', 'application/vnd.api+json', '*/*', '', ';;;', 'application/',
  'application/json; boundary=', 'application/json, text/plain', 'application/xml',
];

export const CONTENT_ENCODINGS: readonly string[] = ['identity', 'gzip', 'deflate', 'br', 'x-gzip', 'zstd', 'compress', 'gzip, gzip', 'GZIP', 'bogus', ''];

/** JSON values that replace one field of an otherwise valid body. */
export const HOSTILE_JSON_VALUES: readonly unknown[] = [
  null, -1, 0, -0, 1.5, 1e21, 1e308, 461168601842738791, 9007199254740993, -9007199254740993, '', ' ', 'x'.repeat(20_000), [], {}, true, false,
  '1', '\u0000', 'a\u0000b', '\u0000'.repeat(50), '%zz', '\ud800', 'org_AAAAAAAAAAAAAAAA', [null], [[[]]], { __proto__: null, a: 1 }, '2030-02-30', '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00.000Z', 'not-a-date', ['*'], ['system:*'], ['api_key:*', 'api_key:*'], ['0.0.0.0/0'],
  ['::/0'], ['999.1.1.1/33'], ['fe80::1%eth0/64'],
];

/** Whole bodies as raw text: JSON oddities, non-JSON, broken encodings. */
export const HOSTILE_BODIES: readonly string[] = [
  '', '{', '}', '{"a":}', 'null', '1', '"x"', '[]', 'true', '[1,2,3]', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"x":1}}}',
  '{"__proto__":null}', '{"a":1,"a":2}', '\ufeff{}', '{}\u0000', '\u0000', 'NaN', '{"x":NaN}', '{"x":1e400}', '{"x":-1e400}', "{'a':1}",
  '{"a":1}{"b":2}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
  `{"a":"${'x'.repeat(200_000)}"}`, `[${'1,'.repeat(30_000)}1]`, 'email=a%40b.c&password=x', '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--xyz--',
  '<?xml version="1.0"?><a/>', '{"email":"a@b.c","password":"x","extra":{"$gt":""}}',
];

/** Encodes `body` for the given Content-Encoding; a mismatch (or corrupt stream) is the point for some. */
export function encodeBody(body: Buffer, encoding: string, corrupt: boolean): Buffer {
  let out: Buffer;
  switch (encoding.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      out = gzipSync(body);
      break;
    case 'deflate':
      out = deflateSync(body);
      break;
    case 'br':
      out = brotliCompressSync(body);
      break;
    default:
      out = body;
  }
  if (corrupt && out.length > 4) {
    out = Buffer.from(out);
    const mid = Math.floor(out.length / 2);
    out[mid] = (out[mid] ?? 0) ^ 0xff;
    out = out.subarray(0, Math.max(1, out.length - 3));
  }
  return out;
}
