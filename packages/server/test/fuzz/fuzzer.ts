// The input fuzzer of SPEC §7.1: walks every operation of the committed OpenAPI document with
// mutated paths, queries, headers, bodies, encodings and content types, with and without
// credentials, plus raw malformed HTTP, against a real server over TCP. Deterministic: cases come
// from fast-check with a fixed seed, so a run is reproducible from (seed, n).
//
// It counts, over every response: 5xx; a missing X-Request-ID; a non-2xx body that is not the one
// error shape { error: string, code: ERROR_CODE, requestId: <the X-Request-ID>, details? }.
import { EXTRA_PATHS, generateCases, type FuzzCase, type FuzzTarget } from './cases.js';
import { findingsOf, type Finding } from './oracle.js';
import { listOperations, loadDocument, type OpenApiDocument } from './operations.js';
import { sendRaw, type RawResponse } from './raw-http.js';

export type { Finding, FuzzCase, FuzzTarget };

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
  /** A finding matching this is counted as `known` and not as a failure (see known-issues.ts). */
  isKnown?: (c: FuzzCase, r: RawResponse) => string | null;
}

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

/** Runs `options.n` requests against `target` and reports what SPEC §7.1 forbids. */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions, doc: OpenApiDocument = loadDocument()): Promise<FuzzReport> {
  const seed = options.seed ?? DEFAULT_SEED;
  const cases = generateCases(doc, target, { n: options.n, seed, rawShare: options.rawShare ?? 0.1 });
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
      report.examples.push({
        finding,
        method: c.method,
        target: c.target.slice(0, 200),
        credential: c.credential,
        label: c.label.slice(0, 300),
        status: r?.status ?? null,
        body: (r?.body ?? '').slice(0, 300),
        requestBody: requestBodyOf(c.bytes),
      });
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      // The socket stays open after the request (a half-close makes Node abort the request, as
      // no real client does); raw cases that leave the server waiting for more bytes time out.
      const { response, failure } = await sendRaw(
        hostname,
        Number(port),
        c.bytes,
        c.raw ? RAW_TIMEOUT_MS : (options.timeoutMs ?? 15_000),
        true,
      );
      report.requests++;
      if (!response) {
        if (c.raw) {
          report.unansweredRaw++;
          if (report.unansweredExamples.length < MAX_EXAMPLES_PER_FINDING) report.unansweredExamples.push(`${c.label} (${failure})`);
        } else record(c, 'no response', { status: 0, headers: {}, body: failure ?? '' });
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
    `  statuses: ${Object.entries(report.byStatus)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
  ];
  for (const e of report.examples) {
    lines.push(`  [${e.finding}] ${e.method} ${e.target} → ${e.status ?? '-'} ${e.body.replace(/\s+/g, ' ').slice(0, 200)}  (${e.label})`);
    if (e.requestBody) lines.push(`      request body: ${JSON.stringify(e.requestBody)}`);
  }
  return lines.join('\n');
}

/** True when the report has no finding (SPEC §7.1 target: 0 of each). */
export const isClean = (r: FuzzReport) =>
  r.counts['5xx'] + r.counts['missing X-Request-ID'] + r.counts['bad error shape'] + r.counts['no response'] === 0;
