import { describe, expect, it } from 'vitest';
import { CIRCUIT_OPEN_MESSAGE } from './circuit-breaker.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['admin shutdown (restart)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['connection exception class', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['socket ended under a query', new Error('Connection terminated unexpectedly')],
    ['no answer within DATABASE_TIMEOUT_MS', new Error('Query read timeout')],
    ['pool checkout past DATABASE_TIMEOUT_MS', new Error('timeout exceeded when trying to connect')],
    ['connect past DATABASE_TIMEOUT_MS', new Error('timeout expired')],
    ['the circuit open after a timeout', new Error(CIRCUIT_OPEN_MESSAGE)],
    ['statement_timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['SQLite locked by another process', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    [
      'dual-stack connect',
      Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), { code: undefined }),
    ],
  ])('recognises %s', (_, err) => expect(isDatabaseUnavailable(err)).toBe(true));

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a plain error', new Error('boom')],
    ['a non-error', 'ECONNREFUSED'],
  ])('does not take %s for an outage', (_, err) => expect(isDatabaseUnavailable(err)).toBe(false));
});
