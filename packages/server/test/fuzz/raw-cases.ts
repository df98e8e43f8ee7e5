// Requests Node's HTTP parser refuses (or treats specially) before Express sees them. Sent over a
// raw socket: fetch and node:http would refuse to send most of them. SPEC §7.1 still asks for the
// one error body and an X-Request-ID.
import fc from 'fast-check';

export interface RawCase {
  label: string;
  bytes: Buffer;
  /** The status the server must answer, when the case pins one (the regression tests use it). */
  expectStatus?: number;
}

const CRLF = '\r\n';
const WHOAMI = '/api/v1/auth/whoami';
const head = (lines: string[]) => Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1');
const req = (requestLine: string, headers: string[] = [], body = '') =>
  Buffer.concat([head([requestLine, 'Host: 127.0.0.1', 'Connection: close', ...headers]), Buffer.from(body, 'latin1')]);

/** Handcrafted malformed HTTP/1.1, one per kind of framing or syntax error. */
export const RAW_CASES: readonly RawCase[] = [
  { label: 'unknown method CONNECTX', bytes: req(`CONNECTX ${WHOAMI} HTTP/1.1`), expectStatus: 400 },
  { label: 'unknown method FOO', bytes: req(`FOO ${WHOAMI} HTTP/1.1`), expectStatus: 400 },
  { label: 'lower-case method', bytes: req(`get ${WHOAMI} HTTP/1.1`), expectStatus: 400 },
  { label: 'NUL byte in a header value', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['X-Test: a\u0000b']), expectStatus: 400 },
  { label: 'NUL byte in Authorization', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['Authorization: Bearer sk_\u0000']), expectStatus: 400 },
  {
    label: 'bad chunk size',
    bytes: req(
      `POST /api/v1/auth/login HTTP/1.1`,
      ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
      'ZZ\r\n{}\r\n0\r\n\r\n',
    ),
    expectStatus: 400,
  },
  {
    label: 'chunk longer than announced',
    bytes: req(
      `POST /api/v1/auth/login HTTP/1.1`,
      ['Content-Type: application/json', 'Transfer-Encoding: chunked'],
      '1\r\n{}\r\n0\r\n\r\n',
    ),
    expectStatus: 400,
  },
  {
    label: 'headers too large (one 20 KB header)',
    bytes: req(`GET ${WHOAMI} HTTP/1.1`, [`X-Big: ${'a'.repeat(20_000)}`]),
    expectStatus: 431,
  },
  {
    label: 'headers too large (many headers)',
    bytes: req(
      `GET ${WHOAMI} HTTP/1.1`,
      Array.from({ length: 600 }, (_, i) => `X-H${i}: ${'v'.repeat(30)}`),
    ),
    expectStatus: 431,
  },
  { label: 'request line too long', bytes: req(`GET ${WHOAMI}?${'q'.repeat(20_000)} HTTP/1.1`), expectStatus: 431 },
  { label: 'header without colon', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['NoColonHere']), expectStatus: 400 },
  { label: 'space in header name', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['Bad Header: x']), expectStatus: 400 },
  { label: 'space before colon', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['X-Test : x']), expectStatus: 400 },
  { label: 'unknown HTTP version', bytes: req(`GET ${WHOAMI} HTTP/9.9`), expectStatus: 400 },
  { label: 'not HTTP at all', bytes: Buffer.from('HELLO WORLD\r\n\r\n'), expectStatus: 400 },
  { label: 'TLS ClientHello on the plain port', bytes: Buffer.from('160301002e010000', 'hex'), expectStatus: 400 },
  {
    label: 'Content-Length and Transfer-Encoding together',
    bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Length: 2', 'Transfer-Encoding: chunked'], '2\r\n{}\r\n0\r\n\r\n'),
    expectStatus: 400,
  },
  {
    label: 'two different Content-Length headers',
    bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 3'], '{}'),
    expectStatus: 400,
  },
  { label: 'negative Content-Length', bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Length: -1'], '{}'), expectStatus: 400 },
  { label: 'non-numeric Content-Length', bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Length: abc'], '{}'), expectStatus: 400 },
  { label: 'unsupported Transfer-Encoding', bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Transfer-Encoding: gzip'], '{}') },
  { label: 'obs-fold continuation line', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['X-Test: a', ' folded']), expectStatus: 400 },
  { label: 'bare LF line endings', bytes: Buffer.from(`GET ${WHOAMI} HTTP/1.1\nHost: x\nConnection: close\n\n`) },
  { label: 'control character in the path', bytes: req(`GET /api/v1/\u0001 HTTP/1.1`), expectStatus: 400 },
  { label: 'raw space in the path', bytes: req(`GET /api/v1/clients/a b HTTP/1.1`), expectStatus: 400 },
  { label: 'raw non-ASCII bytes in the path', bytes: req(`GET /api/v1/clients/\u00e9\u00ff HTTP/1.1`) },
  { label: 'missing Host on HTTP/1.1', bytes: head([`GET ${WHOAMI} HTTP/1.1`, 'Connection: close']), expectStatus: 400 },
  { label: 'HTTP/1.0 without Host', bytes: head([`GET ${WHOAMI} HTTP/1.0`]) },
  { label: 'absolute-form target', bytes: req(`GET http://evil.example${WHOAMI} HTTP/1.1`) },
  { label: 'asterisk-form OPTIONS', bytes: req('OPTIONS * HTTP/1.1') },
  { label: 'CONNECT to a host', bytes: req('CONNECT evil.example:443 HTTP/1.1') },
  { label: 'CONNECT to an API path', bytes: req(`CONNECT ${WHOAMI} HTTP/1.1`) },
  {
    label: 'websocket upgrade',
    bytes: req(`GET ${WHOAMI} HTTP/1.1`, [
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
    ]),
  },
  {
    label: 'h2c upgrade',
    bytes: req(`GET ${WHOAMI} HTTP/1.1`, [
      'Upgrade: h2c',
      'Connection: Upgrade, HTTP2-Settings',
      'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA',
    ]),
  },
  { label: 'HTTP/2 preface', bytes: Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n') },
  {
    label: 'unknown Expect',
    bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Type: application/json', 'Content-Length: 2', 'Expect: teapot'], '{}'),
  },
  {
    label: 'Expect 100-continue',
    bytes: req(`POST /api/v1/auth/login HTTP/1.1`, ['Content-Type: application/json', 'Content-Length: 2', 'Expect: 100-continue'], '{}'),
  },
  {
    label: 'valid request then garbage (pipelined)',
    bytes: Buffer.concat([head([`GET /health HTTP/1.1`, 'Host: x']), Buffer.from('GARBAGE\r\n\r\n')]),
  },
  { label: 'TRACE', bytes: req(`TRACE ${WHOAMI} HTTP/1.1`) },
  { label: 'PROPFIND', bytes: req(`PROPFIND ${WHOAMI} HTTP/1.1`) },
  { label: 'header value with high bytes', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['X-Organization-ID: \u00ff\u00fe\u0080']) },
  { label: 'Authorization with high bytes', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['Authorization: Bearer \u00ff\u00fe\u0080']) },
  { label: 'empty header name', bytes: req(`GET ${WHOAMI} HTTP/1.1`, [': x']), expectStatus: 400 },
  { label: 'duplicate Authorization', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['Authorization: Bearer a', 'Authorization: Bearer b']) },
  { label: 'duplicate Host', bytes: req(`GET ${WHOAMI} HTTP/1.1`, ['Host: other']) },
];

/** Byte-level mutations of a valid request: flipped, inserted and deleted bytes (NUL, CR, LF, 0xFF, …). */
export function mutatedRawCase(): fc.Arbitrary<RawCase> {
  const body = '{"email":"a@example.com","password":"pw"}';
  const base = req(
    `POST /api/v1/auth/login?page=1 HTTP/1.1`,
    ['Content-Type: application/json', `Content-Length: ${body.length}`, 'X-Organization-ID: org_x'],
    body,
  );
  const edit = fc.record({
    at: fc.nat({ max: base.length - 1 }),
    op: fc.constantFrom('flip', 'insert', 'delete'),
    byte: fc.constantFrom(0x00, 0x0d, 0x0a, 0xff, 0x20, 0x3a, 0x7f, 0x09, 0x25, 0x80),
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let bytes = Buffer.from(base);
    for (const { at, op, byte } of edits) {
      const i = Math.min(at, bytes.length - 1);
      if (op === 'flip') bytes[i] = byte;
      else if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]);
      else bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
    }
    return { label: `mutated bytes ${JSON.stringify(edits)}`, bytes };
  });
}
