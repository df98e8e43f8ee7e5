import { performance } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { Instance } from './instances.js';

/** One answered (or failed) request of a fault test. */
export interface FaultSample {
  stream: string;
  instance: string;
  start: number;
  end: number;
  /** 0 when no HTTP answer came at all (refused, reset, or no answer within the client's 30 s). */
  status: number;
  code: string | undefined;
  retryAfter: string | null;
}

export interface FaultStream {
  name: string;
  instance: Instance;
  method: string;
  /** A path, or a function of the request number (unique bodies and paths). */
  path: string;
  token?: string;
  body?: (n: number) => unknown;
  /** Statuses (and codes) this stream may answer besides 503 SERVICE_UNAVAILABLE. */
  ok: readonly (number | `${number} ${string}`)[];
}

/** A request that gives up only after 30 s, far beyond any bound asserted: a hang shows as a long duration. */
export async function timedRequest(s: FaultStream, n: number): Promise<FaultSample> {
  const headers: Record<string, string> = {};
  if (s.token) headers.authorization = `Bearer ${s.token}`;
  let body: string | undefined;
  if (s.body) {
    body = JSON.stringify(s.body(n));
    headers['content-type'] = 'application/json';
  }
  const start = performance.now();
  try {
    const res = await fetch(s.instance.url + s.path, { method: s.method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      /* not JSON */
    }
    return {
      stream: s.name,
      instance: s.instance.name,
      start,
      end: performance.now(),
      status: res.status,
      code,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch {
    return { stream: s.name, instance: s.instance.name, start, end: performance.now(), status: 0, code: undefined, retryAfter: null };
  }
}

/** Sequential request loops, one per stream, until stopped. */
export function startLoad(streams: readonly FaultStream[]) {
  const samples: FaultSample[] = [];
  let running = true;
  let n = 0;
  const loops = streams.map(async (s) => {
    while (running) {
      samples.push(await timedRequest(s, ++n));
      await new Promise((r) => setTimeout(r, 2));
    }
  });
  return {
    samples,
    async stop(): Promise<FaultSample[]> {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

export interface FailClosedBounds {
  /** DATABASE_TIMEOUT_MS of the instances. */
  timeoutMs: number;
  /** Added to timeoutMs for "answered in time": wide, the machine is shared and loaded. */
  marginMs: number;
}

/**
 * SPEC §7.4 on a run of samples: every request got an HTTP answer, within the database timeout
 * plus the margin; every answer is one the stream allows or a 503 SERVICE_UNAVAILABLE in the
 * error format with Retry-After.
 */
export function expectAnsweredInTime(samples: readonly FaultSample[], streams: readonly FaultStream[], b: FailClosedBounds): void {
  const allowed = new Map(streams.map((s) => [s.name, new Set(s.ok.map(String))]));
  const unanswered = samples.filter((s) => s.status === 0);
  expect(unanswered, 'every request gets an HTTP answer').toEqual([]);
  const slow = samples.filter((s) => s.end - s.start > b.timeoutMs + b.marginMs);
  expect(slow, `every request is answered within DATABASE_TIMEOUT_MS (${b.timeoutMs} ms) + ${b.marginMs} ms`).toEqual([]);
  const unexpected = samples.filter((s) => {
    if (s.status === 503) return s.code !== 'SERVICE_UNAVAILABLE' || !s.retryAfter;
    const ok = allowed.get(s.stream)!;
    return !ok.has(String(s.status)) && !ok.has(`${s.status} ${s.code}`);
  });
  expect(unexpected, 'only the answers a stream allows, or 503 SERVICE_UNAVAILABLE with Retry-After').toEqual([]);
}

/** No request sent later than `windowMs` after `revokedAt` succeeds with the revoked credential. */
export function expectNoLateAcceptance(samples: readonly FaultSample[], stream: string, revokedAt: number, windowMs: number): void {
  const late = samples.filter((s) => s.stream === stream && s.status >= 200 && s.status < 300 && s.start > revokedAt + windowMs);
  expect(late, `${stream}: nothing accepted later than ${windowMs} ms after the revoke`).toEqual([]);
}

/** Resolves 'running' unless the process has exited. */
export async function stillRunning(i: Instance): Promise<string> {
  return Promise.race([
    i.exited.then((code) => `exited with ${code}:\n${i.output().slice(-2000)}`),
    new Promise<string>((r) => setTimeout(() => r('running'), 10)),
  ]);
}

/** Retries `act` (a change through the API) until it answers 2xx; resolves when that answer arrived. */
export async function untilAccepted(act: () => Promise<{ status: number }>, timeoutMs = 20_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const res = await act();
    if (res.status >= 200 && res.status < 300) return performance.now();
    if (performance.now() > deadline) throw new Error(`still ${res.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
