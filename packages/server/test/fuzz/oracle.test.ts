// The fuzzer is only as good as its oracle: each rule of SPEC §7.1 it checks must flag a response
// that breaks it, and the case generator must be reproducible and cover every operation.
import { describe, expect, it } from 'vitest';
import { generateCases, type FuzzTarget } from './cases.js';
import { findingsOf } from './oracle.js';
import { listOperations, loadDocument } from './operations.js';
import type { RawResponse } from './raw-http.js';

const ok = { error: 'x', code: 'NOT_FOUND', requestId: 'req_1' };
const res = (status: number, body: unknown, id: string | null = 'req_1'): RawResponse => ({
  status,
  headers: id === null ? {} : { 'x-request-id': id },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const get = { head: false };

describe('fuzz oracle (SPEC §7.1)', () => {
  it('accepts a 2xx with any body and an error in the one shape', () => {
    expect(findingsOf(get, res(200, 'anything'))).toEqual([]);
    expect(findingsOf(get, res(404, ok))).toEqual([]);
    expect(
      findingsOf(
        get,
        res(400, {
          error: 'x',
          code: 'VALIDATION_FAILED',
          requestId: 'req_1',
          details: { issues: [{ path: 'query.page', message: 'm' }] },
        }),
      ),
    ).toEqual([]);
    expect(findingsOf({ head: true }, res(401, ''))).toEqual([]);
  });

  it.each([
    ['a 5xx', res(500, { ...ok, code: 'INTERNAL_ERROR' }), '5xx'],
    ['no X-Request-ID', res(404, ok, null), 'missing X-Request-ID'],
    ['a body that is not JSON', res(400, 'Bad Request'), 'bad error shape'],
    ['an empty body', res(400, ''), 'bad error shape'],
    ['requestId not the header', res(404, ok, 'req_2'), 'bad error shape'],
    ['a code not in ERROR_CODES', res(404, { ...ok, code: 'NOPE' }), 'bad error shape'],
    ['a code of another status', res(409, ok), 'bad error shape'],
    ['an extra field', res(404, { ...ok, stack: 'at x' }), 'bad error shape'],
    ['details that are not an object', res(404, { ...ok, details: [1] }), 'bad error shape'],
    ['VALIDATION_FAILED without issues', res(400, { error: 'x', code: 'VALIDATION_FAILED', requestId: 'req_1' }), 'bad error shape'],
    ['a bodiless 304', res(304, ''), 'bad error shape'],
  ])('flags %s', (_what, response, finding) => {
    expect(findingsOf(get, response)).toContain(finding);
  });
});

describe('fuzz cases', () => {
  const doc = loadDocument();
  const target: FuzzTarget = {
    url: 'http://127.0.0.1:1',
    credentials: { orgKey: 'Bearer sk_x', systemKey: 'Bearer sk_y', adminSession: 'Bearer a.b.c', portalSession: 'Bearer pps_x' },
    hints: { orgId: ['org_AAAAAAAAAAAAAAAAAAAA'], keyId: ['AAAAAAAAAAAAAAAAAAAAAA'] },
    protectedValues: ['org_AAAAAAAAAAAAAAAAAAAA', 'AAAAAAAAAAAAAAAAAAAAAA'],
  };

  it('are the same bytes for the same seed, and different for another', () => {
    const a = generateCases(doc, target, { n: 400, seed: 1 }).map((c) => c.bytes.toString('latin1'));
    const b = generateCases(doc, target, { n: 400, seed: 1 }).map((c) => c.bytes.toString('latin1'));
    const c = generateCases(doc, target, { n: 400, seed: 2 }).map((x) => x.bytes.toString('latin1'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('reach every operation of the OpenAPI document, with raw cases mixed in', () => {
    const cases = generateCases(doc, target, { n: 600, seed: 1 });
    for (const op of listOperations(doc))
      expect(
        cases.some((c) => c.label.startsWith(`${op.operationId}:`)),
        op.operationId,
      ).toBe(true);
    expect(cases.filter((c) => c.label.startsWith('raw:')).length).toBeGreaterThan(40);
  });

  it('never aim a destructive operation at a protected value', () => {
    const cases = generateCases(doc, target, { n: 3000, seed: 3 });
    for (const c of cases) {
      if (!/^(DELETE|PUT|PATCH|POST) /.test(c.bytes.toString('latin1'))) continue;
      if (
        /\/api-keys\/AAAAAAAAAAAAAAAAAAAAAA|\/system\/organizations\/org_AAAAAAAAAAAAAAAAAAAA/.test(c.target) &&
        c.label.match(/^(orgApiKeys|systemApiKeys|system)\w*(Delete|Revoke|Rotate|Update|Offboard|Membership)/)
      ) {
        throw new Error(`destructive case aimed at a protected value: ${c.label} ${c.target}`);
      }
    }
  });
});
