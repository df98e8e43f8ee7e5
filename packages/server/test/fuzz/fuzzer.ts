// The input fuzzer of SPEC §7.1: walks every operation of the committed OpenAPI document with
// mutated paths, queries, headers, bodies, encodings and content types, with and without
// credentials, plus raw malformed HTTP, against a real server over TCP. Deterministic: cases come
// from fast-check with a fixed seed, so a run is reproducible from (seed, n).
//
// It counts, over every response: 5xx; a missing X-Request-ID; a non-2xx body that is not the one
// error shape { error: string, code: ERROR_CODE, requestId: <the X-Request-ID>, details? }.
import { ERROR_CODES } from '@payment-gateway/contract';
import fc from 'fast-check';
import { AUTH_GARBAGE, CONTENT_ENCODINGS, CONTENT_TYPES, encodeBody, HOSTILE_BODIES, HOSTILE_HEADER_VALUES, HOSTILE_JSON_VALUES, HOSTILE_QUERY_PARTS, HOSTILE_QUERY_VALUES, HOSTILE_SEGMENTS } from './hostile.js';
import { listOperations, loadDocument, type OpenApiDocument, type Operation } from './operations.js';
import { mutatedRawCase, RAW_CASES } from './raw-cases.js';
import { sendRaw, type RawResponse } from './raw-http.js';
import { fromSchema, type Hints } from './schema-arbitrary.js';

/** What the fuzzer may use against the server under test. */
export interface FuzzTarget {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Authorization header values by label (`orgKey`, `systemKey`, `adminSession`, …). */
  credentials: Readonly<Record<string, string>>;
  /** A second global-admin session, for operations that end the session they run in (logout). */
  spareSession?: string;
  /** Real values by parameter or property name (`orgId`, `keyId`, `clientId`, `id`, …). */
  hints: Hints;
  /**
   * Values that destructive operations (delete, revoke, rotate, update a key, offboard, change
   * memberships) never target: the fuzzer's own credentials and organization, so one lucky request
   * cannot silence the rest of the run.
   */
  protectedValues: readonly string[];
  /** Extra Cookie header values to try (e.g. `selectedOrganization=<org>`). */
  cookies?: readonly string[];
}

export interface FuzzOptions {
  /** Number of requests. */
  n: number;
  /** fast-check seed. @default 20261129 */
  seed?: number;
  /** Requests in flight at once. @default 8 */
  concurrency?: number;
  /** Share of raw malformed-HTTP cases. @default 0.1 */
  rawShare?: number;
  /** Per-request timeout in ms. @default 15000 */
  timeoutMs?: number;
  /** A finding matching this is counted as `known` and not as a failure (see KNOWN_ISSUES). */
  isKnown?: (c: FuzzCase, r: RawResponse) => string | null;
}

export interface FuzzCase {
  label: string;
  method: string;
  target: string;
  credential: string;
  bytes: Buffer;
  /** Sent over a raw socket with framing the client broke: may be left unanswered. Every other case must be answered. */
  raw: boolean;
  head: boolean;
}

export type Finding = '5xx' | 'missing X-Request-ID' | 'bad error shape' | 'no response';

export interface Offence {
  finding: Finding;
  method: string;
  target: string;
  credential: string;
  label: string;
  status: number | null;
  body: string;
  /** The start of the request body as sent (latin1), to reproduce the case. */
  requestBody: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  counts: Record<Finding, number>;
  /** Raw cases the server closed without answering (allowed: the client broke framing). */
  unansweredRaw: number;
  unansweredExamples: string[];
  /** Findings matched by `isKnown`, by reason. */
  known: Record<string, number>;
  examples: Offence[];
}

export const DEFAULT_SEED = 20261129;
const MAX_EXAMPLES_PER_FINDING = 8;
const RAW_TIMEOUT_MS = 2_000;

/** Operations that would destroy the fuzzer's own footing when aimed at a protected value. */
function destructiveParams(op: Operation): Set<string> {
  const out = new Set<string>();
  if (op.method !== 'GET' && /\{keyId\}/.test(op.path)) out.add('keyId');
  if (op.method !== 'GET' && /^\/api\/v1\/system\/organizations\/\{orgId\}/.test(op.path)) {
    out.add('orgId');
    out.add('userId');
  }
  return out;
}

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** encodeURIComponent that encodes a lone surrogate as its (invalid) UTF-8 bytes instead of throwing. */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return Array.from(value, (ch) => (/^[\ud800-\udfff]$/.test(ch) ? `%ED%${(0xa0 + ((ch.charCodeAt(0) >> 6) & 0x1f)).toString(16).toUpperCase()}%80` : encodeURIComponent(ch))).join('');
  }
}

function segmentArbitrary(doc: OpenApiDocument, op: Operation, name: string, target: FuzzTarget): fc.Arbitrary<string> {
  const param = op.pathParams.find((p) => p.name === name)!;
  const guarded = destructiveParams(op).has(name);
  const real = (target.hints[name] ?? []).filter((v) => !guarded || !target.protectedValues.includes(v));
  const valid = fromSchema(doc, param.schema).map((v) => enc(String(v)));
  return fc.oneof(
    { weight: 5, arbitrary: real.length > 0 ? pick(real).map(enc) : valid },
    { weight: 2, arbitrary: valid },
    { weight: 2, arbitrary: pick(HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }).map(enc) },
  );
}

function queryArbitrary(doc: OpenApiDocument, op: Operation, target: FuzzTarget): fc.Arbitrary<string> {
  const perParam = op.queryParams.map((p) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      { weight: 4, arbitrary: fromSchema(doc, p.schema, target.hints, p.name).map((v) => `${p.name}=${enc(String(v))}`) },
      { weight: 1, arbitrary: pick(HOSTILE_QUERY_VALUES).map((v) => `${p.name}=${v}`) },
    ),
  );
  const extra = fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: pick(HOSTILE_QUERY_PARTS) }, {
    weight: 1,
    arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([k, v]) => `${enc(k)}=${enc(v)}`),
  });
  return fc.tuple(fc.tuple(...perParam), extra).map(([parts, more]) => {
    const all = [...parts, more].filter((x): x is string => x !== null);
    return all.length > 0 ? `?${all.join('&')}` : '';
  });
}

interface BodyPlan {
  text: string | null;
  contentType: string | null;
  encoding: string | null;
  corrupt: boolean;
  chunked: boolean;
}

function bodyArbitrary(doc: OpenApiDocument, op: Operation, target: FuzzTarget): fc.Arbitrary<BodyPlan> {
  const valid = op.body ? fromSchema(doc, op.body, target.hints) : fc.constant({});
  const oneFieldHostile = fc.tuple(valid, fc.string({ maxLength: 12 }), pick(HOSTILE_JSON_VALUES), fc.boolean()).map(([v, key, bad, existing]) => {
    const obj = v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {};
    const keys = Object.keys(obj);
    const k = existing && keys.length > 0 ? keys[key.length % keys.length]! : key;
    obj[k] = bad;
    return JSON.stringify(obj);
  });
  const text = fc.oneof(
    { weight: op.body ? 4 : 1, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: op.body ? 3 : 1, arbitrary: oneFieldHostile },
    { weight: 2, arbitrary: pick(HOSTILE_BODIES) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: op.body ? 1 : 12, arbitrary: fc.constant(null) },
  );
  return fc.record({
    text,
    contentType: fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 3, arbitrary: pick(CONTENT_TYPES) }, { weight: 1, arbitrary: fc.constant(null) }),
    encoding: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: pick(CONTENT_ENCODINGS) }),
    corrupt: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    chunked: fc.boolean(),
  });
}

interface HeaderPlan {
  credential: string;
  extra: [string, string][];
}

function headerArbitrary(op: Operation, target: FuzzTarget): fc.Arbitrary<HeaderPlan> {
  const labels = Object.keys(target.credentials);
  const credential = fc.oneof(
    { weight: 10, arbitrary: pick(labels) },
    { weight: 1, arbitrary: fc.constant('none') },
    { weight: 2, arbitrary: pick(AUTH_GARBAGE.map((_, i) => `garbage#${i}`)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => `random:${s}`) },
  );
  const orgIds = target.hints.orgId ?? [];
  const optional = (name: string, values: fc.Arbitrary<string>, weight = 1) =>
    fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight, arbitrary: values.map((v) => [name, v] as [string, string]) });
  const extras = fc.tuple(
    optional('X-Organization-ID', fc.oneof(pick(HOSTILE_HEADER_VALUES), orgIds.length ? pick(orgIds) : fc.constant('org_x')), 2),
    optional('X-Request-ID', fc.oneof(pick(HOSTILE_HEADER_VALUES), fc.string({ maxLength: 200 }).map(latin1Safe), fc.constant('req_custom-id.1:2'))),
    optional('Cookie', fc.oneof(pick(target.cookies ?? ['a=b']), pick(['selectedOrganization=%zz', 'gw_refresh=garbage', '=;;=', `x=${'y'.repeat(3000)}`, 'selectedOrganization=']))),
    optional('Accept', pick(['text/html', '*/*', 'application/xml', 'application/json;q=0', '\u00e9'])),
    optional('Accept-Encoding', pick(['gzip', 'br', 'deflate', 'identity;q=0', '*;q=0', 'bogus'])),
    optional('Idempotency-Key', fc.oneof(fc.uuid(), pick(HOSTILE_HEADER_VALUES))),
    optional('X-Forwarded-For', pick(['203.0.113.7', '::1', 'garbage', '1.2.3.4, 5.6.7.8', '::ffff:10.0.0.1', ''])),
    optional('Origin', pick(['https://evil.example', 'null', '', 'http://127.0.0.1'])),
    optional('Range', pick(['bytes=0-1', 'bytes=x', 'bytes=99999999-', 'bytes=0-0,1-1,2-2'])),
    optional('If-None-Match', pick(['*', 'W/"x"'])),
    optional('X-HTTP-Method-Override', pick(['DELETE', 'PUT'])),
    optional('X-Odd-Value', fc.oneof(fc.string({ maxLength: 50 }).map(latin1Safe), pick(['0', '-1', 'true', 'null', '[]']))),
  );
  return fc.record({ credential, extra: extras.map((xs) => xs.filter((x): x is [string, string] => x !== null)) });
}

/** Keeps a header value sendable as one line (no CR/LF), as latin1 bytes; NUL and high bytes stay. */
function latin1Safe(s: string): string {
  return [...s].map((ch) => (ch.charCodeAt(0) > 0xff || ch === '\r' || ch === '\n' ? '?' : ch)).join('');
}

function methodArbitrary(op: Operation): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant(op.method) },
    { weight: 1, arbitrary: pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) },
    { weight: 1, arbitrary: pick(['HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'PURGE', 'SEARCH', 'QUERY', 'LINK']) },
  );
}

function authorizationFor(label: string, target: FuzzTarget): string | null {
  if (label === 'none') return null;
  if (label.startsWith('garbage#')) return AUTH_GARBAGE[Number(label.slice(8))]!;
  if (label.startsWith('random:')) return `Bearer ${latin1Safe(label.slice(7))}`;
  return target.credentials[label] ?? null;
}

function buildRequest(method: string, target: string, headers: [string, string][], body: Buffer | null, chunked: boolean): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (body !== null) {
    if (chunked) {
      lines.push('Transfer-Encoding: chunked');
      const half = Math.floor(body.length / 2);
      const chunks = [body.subarray(0, half), body.subarray(half)].filter((c) => c.length > 0);
      const framed = Buffer.concat([...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]);
      return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), framed]);
    }
    lines.push(`Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** Credential labels that the operation accepts (by its OpenAPI security), for plausible requests. */
function acceptedCredentials(op: Operation, target: FuzzTarget): string[] {
  const labels: string[] = [];
  if (op.security.includes('apiKey')) labels.push('orgKey', 'systemKey');
  if (op.security.includes('session')) labels.push('adminSession');
  if (op.security.includes('portalSession')) labels.push('portalSession');
  const known = labels.filter((l) => target.credentials[l] !== undefined);
  return known.length > 0 ? known : ['none'];
}

interface Parts {
  method: string;
  segments: string[];
  query: string;
  headers: HeaderPlan;
  body: BodyPlan;
  trailingSlash: string;
}

/** A request that should get past validation: real ids, valid values, an accepted credential. */
function plausibleParts(doc: OpenApiDocument, op: Operation, target: FuzzTarget): fc.Arbitrary<Parts> {
  const segments = fc.tuple(
    ...op.pathParams.map((p) => {
      const guarded = destructiveParams(op).has(p.name);
      const real = (target.hints[p.name] ?? []).filter((v) => !guarded || !target.protectedValues.includes(v));
      return real.length > 0 ? pick(real).map(enc) : fromSchema(doc, p.schema).map((v) => enc(String(v)));
    }),
  );
  const query = fc
    .tuple(...op.queryParams.map((p) => fc.option(fromSchema(doc, p.schema, target.hints, p.name).map((v) => `${p.name}=${enc(String(v))}`), { freq: 2 })))
    .map((parts) => {
      const present = parts.filter((x): x is string => x !== null);
      return present.length > 0 ? `?${present.join('&')}` : '';
    });
  const cookies = target.cookies ?? [];
  const headers = fc.tuple(pick(acceptedCredentials(op, target)), fc.nat({ max: Math.max(0, cookies.length - 1) })).map(([credential, i]): HeaderPlan => ({
    credential,
    // A session's organization comes from the selectedOrganization cookie on context routes (SPEC §3).
    extra: credential === 'adminSession' && cookies[i] ? [['Cookie', cookies[i]!]] : [],
  }));
  const body = fc.record({
    text: op.body ? fromSchema(doc, op.body, target.hints).map((v) => JSON.stringify(v)) : fc.constant(null),
    contentType: fc.constant('application/json'),
    encoding: fc.constant(null),
    corrupt: fc.constant(false),
    chunked: fc.boolean(),
  });
  return fc.record({ method: fc.constant(op.method), segments, query, headers, body, trailingSlash: fc.constant('') });
}

/** A request with every part hostile or plausible at random. */
function hostileParts(doc: OpenApiDocument, op: Operation, target: FuzzTarget): fc.Arbitrary<Parts> {
  return fc.record({
    method: methodArbitrary(op),
    segments: fc.tuple(...op.pathParams.map((p) => segmentArbitrary(doc, op, p.name, target))),
    query: queryArbitrary(doc, op, target),
    headers: headerArbitrary(op, target),
    body: bodyArbitrary(doc, op, target),
    trailingSlash: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick(['/', '//', '/.', '%2F', '/..']) }),
  });
}

const DIMENSIONS = ['method', 'segments', 'query', 'headers', 'body', 'trailingSlash'] as const;

/**
 * One request against `op`. Half are hostile in every part; the other half are plausible (they
 * reach services and storage) with at most one part swapped for its hostile version.
 */
export function caseArbitrary(doc: OpenApiDocument, op: Operation, target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  const mixed = fc
    .tuple(plausibleParts(doc, op, target), hostileParts(doc, op, target), fc.option(pick(DIMENSIONS), { freq: 3 }))
    .map(([plausible, hostile, swap]) => (swap === null ? plausible : { ...plausible, [swap]: hostile[swap] }));
  return fc
    .oneof(hostileParts(doc, op, target), mixed)
    .map(({ method, segments: values, query, headers, body, trailingSlash }) => {
      let path = op.path;
      op.pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, values[i]!);
      });
      const targetPath = `${path}${trailingSlash}${query}`;
      let credential = headers.credential;
      // Logging out ends the session it runs in: use the spare session, never the main one.
      if (op.operationId.toLowerCase().includes('logout') && credential === 'adminSession') credential = target.spareSession ? 'spareSession' : 'none';
      const auth = credential === 'spareSession' ? target.spareSession! : authorizationFor(credential, target);
      const hs: [string, string][] = [...(auth !== null ? [['Authorization', auth] as [string, string]] : []), ...headers.extra];
      let bytes: Buffer | null = null;
      const parts = [`cred=${credential}`];
      if (body.text !== null) {
        bytes = Buffer.from(body.text, 'utf8');
        if (body.contentType !== null) hs.push(['Content-Type', body.contentType]);
        if (body.encoding !== null) {
          hs.push(['Content-Encoding', body.encoding]);
          bytes = encodeBody(bytes, body.encoding, body.corrupt);
        }
        parts.push(`ct=${body.contentType}`, `ce=${body.encoding}${body.corrupt ? '(corrupt)' : ''}`, body.chunked ? 'chunked' : 'length');
      }
      if (headers.extra.length > 0) parts.push(`headers=${headers.extra.map(([k]) => k).join(',')}`);
      return {
        label: `${op.operationId}: ${parts.join(' ')}`,
        method,
        target: targetPath,
        credential,
        bytes: buildRequest(method, targetPath, hs, bytes, body.chunked),
        raw: false,
        head: method === 'HEAD',
      };
    });
}

function hasIssues(details: unknown): boolean {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) && issues.length > 0 && issues.every((i) => typeof i?.path === 'string' && typeof i?.message === 'string');
}

/** Checks one response against SPEC §7.1; returns the findings (empty when it is fine). */
export function findingsOf(c: FuzzCase, r: RawResponse): Finding[] {
  const out: Finding[] = [];
  if (r.status >= 500) out.push('5xx');
  const requestId = r.headers['x-request-id'];
  if (!requestId) out.push('missing X-Request-ID');
  if ((r.status < 200 || r.status >= 300) && !c.head && r.status !== 100) {
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    const b = body as { error?: unknown; code?: unknown; requestId?: unknown; details?: unknown } | undefined;
    const keysOk = !!b && typeof b === 'object' && !Array.isArray(b) && Object.keys(b).every((k) => ['error', 'code', 'requestId', 'details'].includes(k));
    const ok =
      keysOk &&
      typeof b!.error === 'string' &&
      typeof b!.code === 'string' &&
      Object.hasOwn(ERROR_CODES, b!.code) &&
      typeof b!.requestId === 'string' &&
      b!.requestId === requestId &&
      (b!.details === undefined || (typeof b!.details === 'object' && b!.details !== null && !Array.isArray(b!.details))) &&
      ERROR_CODES[b!.code as keyof typeof ERROR_CODES].status === r.status &&
      // VALIDATION_FAILED lists the issues (SPEC §7.1).
      (b!.code !== 'VALIDATION_FAILED' || hasIssues(b!.details));
    if (!ok) out.push('bad error shape');
  }
  return out;
}

/**
 * Paths the server answers outside the OpenAPI document (docs, static assets, probes) and paths
 * it does not serve at all: walked like operations without parameters.
 */
export const EXTRA_PATHS: readonly string[] = [
  '/', '/health', '/health/ready', '/api', '/api/v1', '/api/v1/', '/api/v1/openapi.json', '/api/v1/docs', '/api/v1/docs/init.js',
  '/api/v1/docs/assets/swagger-ui.css', '/api/v1/docs/assets/%zz', '/api/v1/docs/assets/..%2F..%2Fpackage.json', '/api/v1/docs/assets/%00',
  '/favicon.ico', '/admin', '/portal/login', '/checkout/abc', '/%zz', '/api/v1/%E2%82', '/api/v2/clients', '//api/v1/clients', '/API/V1/CLIENTS',
];

function extraOperation(path: string): Operation {
  return { operationId: `extra ${path}`, method: 'GET', path, pathParams: [], queryParams: [], body: null, security: ['apiKey', 'session'] };
}

/** Every case of a run, in order: requests against every operation in turn, raw cases mixed in. */
export function generateCases(doc: OpenApiDocument, target: FuzzTarget, options: FuzzOptions): FuzzCase[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const operations = [...listOperations(doc), ...EXTRA_PATHS.map(extraOperation)];
  const rawCount = Math.max(RAW_CASES.length, Math.round(options.n * (options.rawShare ?? 0.1)));
  const perOp = Math.max(1, Math.ceil((options.n - rawCount) / operations.length));
  const byOp = operations.map((op, i) => fc.sample(caseArbitrary(doc, op, target), { seed: seed + i, numRuns: perOp }));
  const raw: FuzzCase[] = [
    ...RAW_CASES,
    ...fc.sample(mutatedRawCase(), { seed: seed - 1, numRuns: Math.max(0, rawCount - RAW_CASES.length) }),
  ].map((rc) => ({
    label: `raw: ${rc.label}`,
    method: rc.bytes.toString('latin1').split(' ')[0]!.slice(0, 20),
    target: '(raw)',
    credential: 'none',
    bytes: rc.bytes,
    // Handcrafted cases are complete requests and must be answered; random byte mutations may
    // leave the server rightly waiting for bytes that never come.
    raw: rc.label.startsWith('mutated bytes'),
    head: /^HEAD /.test(rc.bytes.toString('latin1')),
  }));
  // Interleave: operation by operation, round-robin, with raw cases spread evenly.
  const out: FuzzCase[] = [];
  for (let round = 0; round < perOp; round++) for (const cases of byOp) if (cases[round]) out.push(cases[round]!);
  const step = Math.max(1, Math.floor(out.length / Math.max(1, raw.length)));
  raw.forEach((rc, i) => out.splice(Math.min(out.length, i * (step + 1)), 0, rc));
  return out.slice(0, Math.max(options.n, RAW_CASES.length));
}

/** Runs `options.n` requests against `target` and reports what SPEC §7.1 forbids. */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions, doc: OpenApiDocument = loadDocument()): Promise<FuzzReport> {
  const seed = options.seed ?? DEFAULT_SEED;
  const cases = generateCases(doc, target, options);
  const { hostname, port } = new URL(target.url);
  const report: FuzzReport = {
    seed,
    requests: 0,
    operations: listOperations(doc).length + EXTRA_PATHS.length,
    byStatus: {},
    counts: { '5xx': 0, 'missing X-Request-ID': 0, 'bad error shape': 0, 'no response': 0 },
    unansweredRaw: 0,
    unansweredExamples: [],
    known: {},
    examples: [],
  };
  const record = (c: FuzzCase, finding: Finding, r: RawResponse | null) => {
    report.counts[finding]++;
    if (report.examples.filter((e) => e.finding === finding).length < MAX_EXAMPLES_PER_FINDING) {
      report.examples.push({ finding, method: c.method, target: c.target.slice(0, 200), credential: c.credential, label: c.label.slice(0, 300), status: r?.status ?? null, body: (r?.body ?? '').slice(0, 300), requestBody: requestBodyOf(c.bytes) });
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      // The socket stays open after the request (a half-close makes Node abort the request, as
      // no real client does); raw cases that leave the server waiting for more bytes time out.
      const { response, failure } = await sendRaw(hostname, Number(port), c.bytes, c.raw ? RAW_TIMEOUT_MS : (options.timeoutMs ?? 15_000), true);
      report.requests++;
      if (!response) {
        if (c.raw) {
          report.unansweredRaw++;
          if (report.unansweredExamples.length < MAX_EXAMPLES_PER_FINDING) report.unansweredExamples.push(`${c.label} (${failure})`);
        }
        else record(c, 'no response', { status: 0, headers: {}, body: failure ?? '' });
        continue;
      }
      report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
      const findings = findingsOf(c, response);
      if (findings.length === 0) continue;
      const known = options.isKnown?.(c, response);
      if (known) {
        report.known[known] = (report.known[known] ?? 0) + 1;
        continue;
      }
      for (const f of findings) record(c, f, response);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return report;
}

function requestBodyOf(bytes: Buffer): string {
  const i = bytes.indexOf('\r\n\r\n');
  return i < 0 ? '' : bytes.subarray(i + 4, i + 4 + 200).toString('latin1');
}

/** A plain-text summary: requests, each count, and the first offending requests. */
export function formatReport(report: FuzzReport, dialect = ''): string {
  const lines = [
    `fuzz ${dialect ? `(${dialect}) ` : ''}seed=${report.seed}: ${report.requests} requests over ${report.operations} operations`,
    `  5xx: ${report.counts['5xx']}, missing X-Request-ID: ${report.counts['missing X-Request-ID']}, bad error shapes: ${report.counts['bad error shape']}, no response: ${report.counts['no response']}`,
    `  raw cases closed or left waiting without an answer (allowed: framing the client broke): ${report.unansweredRaw} ${report.unansweredExamples.slice(0, 4).join('; ')}`,
    `  known issues skipped: ${JSON.stringify(report.known)}`,
    `  statuses: ${Object.entries(report.byStatus).map(([s, n]) => `${s}×${n}`).join(' ')}`,
  ];
  for (const e of report.examples) {
    lines.push(`  [${e.finding}] ${e.method} ${e.target} → ${e.status ?? '-'} ${e.body.replace(/\s+/g, ' ').slice(0, 200)}  (${e.label})`);
    if (e.requestBody) lines.push(`      request body: ${JSON.stringify(e.requestBody)}`);
  }
  return lines.join('\n');
}

/** True when the report has no finding (SPEC §7.1 target: 0 of each). */
export const isClean = (r: FuzzReport) => r.counts['5xx'] + r.counts['missing X-Request-ID'] + r.counts['bad error shape'] + r.counts['no response'] === 0;
