import { Writable } from 'node:stream';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { describe, expect, it } from 'vitest';
import { newKeyId, newSecret } from '../keys/token.js';
import { secureLogger } from './logger.js';
import { completedLineWriter } from './request-log.js';

/** A logger writing into an array, built from `options` (and optionally wrapped). */
function capture(options: LoggerOptions, wrap: (l: Logger) => Logger = (l) => l): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: wrap(pino(options, sink)), lines };
}

const line = {
  req: {
    id: 'req_0123456789abcdef0123456789abcdef',
    method: 'GET',
    path: '/api/v1/auth/whoami',
    headers: { accept: '*/*', 'user-agent': 'ü "quoted" \\ agent' },
  },
  res: { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': '199' } },
  responseTime: 3,
  route: '/api/v1/auth/whoami',
};

/** Parsed lines without `time` (the two writes happen a few ms apart). */
const withoutTime = (text: string) => {
  const { time, ...rest } = JSON.parse(text) as { time: unknown };
  expect(time).toBeDefined();
  return rest;
};

describe('completedLineWriter', () => {
  it.each<[string, LoggerOptions, ((l: Logger) => Logger) | undefined]>([
    ['pino defaults (pid, hostname)', { level: 'info' }, undefined],
    ['the server’s own logger (secureLogger, no base)', { level: 'info', base: undefined }, secureLogger],
    ['a child with bindings', { level: 'info' }, (l) => secureLogger(l.child({ instance: 'a' }))],
    ['labels for levels (a level formatter)', { level: 'info', formatters: { level: (label) => ({ level: label }) } }, undefined],
    ['an ISO time', { level: 'info', timestamp: pino.stdTimeFunctions.isoTime }, undefined],
    // Options the direct path does not reproduce: it must hand the line to pino instead.
    ['a mixin (falls back to pino)', { level: 'info', mixin: () => ({ region: 'eu' }) }, undefined],
    ['another message key (falls back)', { level: 'info', messageKey: 'message' }, undefined],
    ['a nested key (falls back)', { level: 'info', nestedKey: 'payload' }, undefined],
    ['a log formatter (falls back)', { level: 'info', formatters: { log: (o) => ({ ...o, extra: 1 }) } }, undefined],
  ])('writes what logger.info would write: %s', (_name, options, wrap) => {
    const { logger, lines } = capture(options, wrap);
    logger.info(line, 'request completed');
    completedLineWriter(logger)(line);
    expect(lines).toHaveLength(2);
    const [byPino, direct] = lines as [string, string];
    expect(direct.endsWith('\n')).toBe(true);
    if ((options.timestamp as unknown) === pino.stdTimeFunctions.isoTime) {
      expect(JSON.parse(direct).time).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(withoutTime(direct)).toEqual(withoutTime(byPino));
    // Same keys in the same order, not only the same values.
    expect(Object.keys(JSON.parse(direct))).toEqual(Object.keys(JSON.parse(byPino)));
  });

  it('writes nothing below its level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    completedLineWriter(logger)(line);
    logger.level = 'info';
    completedLineWriter(logger)(line);
    expect(lines).toHaveLength(1);
  });

  it('passes each line through the logger’s credential scrub', () => {
    const token = newSecret(newKeyId()).token;
    const { logger, lines } = capture({ level: 'info' }, secureLogger);
    completedLineWriter(logger)({ ...line, req: { ...line.req, headers: { 'user-agent': `agent ${token}` } } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(token);
    expect(lines[0]).toContain('[redacted]');
  });
});
