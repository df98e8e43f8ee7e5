// The oracle of SPEC §7.1: what every response must be, whatever the request.
import { ERROR_CODES } from '@payment-gateway/contract';
import type { RawResponse } from './raw-http.js';

export type Finding = '5xx' | 'missing X-Request-ID' | 'bad error shape' | 'no response';

function hasIssues(details: unknown): boolean {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) && issues.length > 0 && issues.every((i) => typeof i?.path === 'string' && typeof i?.message === 'string');
}

/** Checks one response against SPEC §7.1; returns the findings (empty when it is fine). */
export function findingsOf(c: { head: boolean }, r: RawResponse): Finding[] {
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
    const keysOk =
      !!b &&
      typeof b === 'object' &&
      !Array.isArray(b) &&
      Object.keys(b).every((k) => ['error', 'code', 'requestId', 'details'].includes(k));
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
