// A minimal HTTP/1.1 client over a raw TCP socket: the fuzzer must send what fetch and
// node:http refuse to (unknown methods, NUL bytes and odd types in headers, broken framing), and
// see exactly what the server answers, byte for byte.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-cased header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface RawResult {
  /** null when the server closed the connection (or timed out) without a parsable response. */
  response: RawResponse | null;
  /** Why there is no response: 'closed', 'timeout', 'reset', 'unparsable'. */
  failure?: string;
}

/** Writes `request` to host:port (then half-closes unless `keepOpen`), reads until the server closes. */
export function sendRaw(host: string, port: number, request: Buffer, timeoutMs = 10_000, keepOpen = false): Promise<RawResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host, port });
    const finish = (failure?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      if (raw.length === 0) {
        resolve({ response: null, failure: failure ?? 'closed' });
        return;
      }
      const response = parseResponse(raw);
      resolve(response ? { response } : { response: null, failure: failure ?? 'unparsable' });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (c) => {
      chunks.push(c);
      // With Connection: close the server ends the socket; a complete response also ends the wait.
      if (parseResponse(Buffer.concat(chunks), true)) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', () => finish('reset'));
    socket.write(request, () => {
      if (!keepOpen) socket.end();
    });
  });
}

/** Parses one response; with `completeOnly`, returns null until its body has fully arrived. */
export function parseResponse(raw: Buffer, completeOnly = false): RawResponse | null {
  // Skip interim 1xx responses (100 Continue): the final response follows.
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 16).toString('latin1'))) {
    const interimEnd = raw.indexOf('\r\n\r\n');
    if (interimEnd < 0) return null;
    raw = raw.subarray(interimEnd + 4);
  }
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const decoded = decodeChunked(body);
    if (!decoded) return completeOnly ? null : { status: Number(m[1]), headers, body: body.toString('utf8') };
    body = decoded;
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (completeOnly && body.length < length) return null;
    body = body.subarray(0, length);
  } else if (completeOnly) {
    // No framing: the body runs until the server closes.
    return null;
  }
  return { status: Number(m[1]), headers, body: body.toString('utf8') };
}

function decodeChunked(data: Buffer): Buffer | null {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos);
    if (lineEnd < 0) return null;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size)) return null;
    if (size === 0) return Buffer.concat(out);
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return null;
    out.push(data.subarray(start, start + size));
    pos = start + size + 2;
  }
}
