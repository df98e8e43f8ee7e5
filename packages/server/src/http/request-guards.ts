import { isUtf8 as isValidUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { firstDuplicateKey } from './duplicate-keys.js';

/**
 * HTTP/1.1 requires Host (RFC 9112 §3.2). Node's own check answers a bare 400 without our body or
 * X-Request-ID, so the server is created with `requireHostHeader: false` and this answers it
 * instead: 400 MALFORMED_REQUEST (SPEC §7.1).
 */
export const requireHost: RequestHandler = (req, _res, next) => {
  if (req.httpVersion === '1.1' && req.headers.host === undefined)
    next(new AppError('MALFORMED_REQUEST', 'HTTP/1.1 requests must carry a Host header.'));
  else next();
};

/** JSON is UTF-8 (RFC 8259 §8.1): no charset parameter, or `utf-8` in any letter case. */
function isUtf8(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1];
  return charset === undefined || charset.toLowerCase() === 'utf-8';
}

/**
 * Bodies are JSON only; anything else is refused with 415 UNSUPPORTED_MEDIA_TYPE before it is
 * parsed (also JSON in another charset than UTF-8), whether it is framed by Content-Length or chunked.
 */
export const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody =
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (hasBody && (!req.is('application/json') || !isUtf8(req.headers['content-type']))) next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  else next();
};

/**
 * Runs `parser` only for requests that have a body (RFC 9112 §6.3: framed by Content-Length or
 * Transfer-Encoding); a request without either (most GETs) has nothing to parse and goes on as
 * the parser itself would send it, with `req.body` unset. Saves the parser's per-request checks.
 */
export function skipWithoutBody(parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) next();
    else parser(req, res, next);
  };
}

/**
 * API answers are never conditional: Express would turn `If-None-Match: *` into a bodiless 304 on
 * any GET, and a non-2xx always carries the error body (SPEC §7.1). The validators are dropped.
 */
export const noConditionalRequests: RequestHandler = (req, _res, next) => {
  if (req.headers['if-none-match'] !== undefined) delete req.headers['if-none-match'];
  if (req.headers['if-modified-since'] !== undefined) delete req.headers['if-modified-since'];
  next();
};

const NUL = '\u0000';
/** A UTF-16 surrogate not part of a pair: with the `u` flag a proper pair is one code point, not Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/** What makes a string unstorable, and what the issue says about it. */
function flawOf(s: string): string | null {
  if (s.includes(NUL)) return 'must not contain the NUL character (U+0000)';
  // A lone UTF-16 surrogate (JSON `"\ud800"`) is no Unicode character: both databases would store
  // U+FFFD instead (SQLite three of them), so what is read back would not be what was accepted.
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogate such as \\ud800)';
  return null;
}

export interface TextFlaw {
  /** The dotted path of the string: `body.items.0.name`; for a flawed object key, the object's path. */
  path: string;
  message: string;
}

/**
 * The first string (value or object key) in `root` that cannot be stored as it was sent: one
 * containing U+0000 or a lone UTF-16 surrogate; null when there is none.
 */
export function firstTextFlaw(root: unknown, prefix: string): TextFlaw | null {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: [unknown, string][] = [[root, prefix]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const message = flawOf(value);
      if (message) return { path, message };
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push([v, `${path}.${i}`]);
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const message = flawOf(k);
        if (message) return { path, message: `object keys ${message}` };
        stack.push([v, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/**
 * No string of the query or the JSON body may contain U+0000 or a lone UTF-16 surrogate:
 * PostgreSQL text cannot store U+0000 (the driver fails the whole statement), and neither database
 * can store a lone surrogate (both write U+FFFD instead, so a read would differ from what was
 * accepted, and two different passwords could hash alike). No field of the API has a use for
 * either. Refused at the edge for every route, present and future: 400 VALIDATION_FAILED naming
 * the field (SPEC §7.1).
 */
export const wellFormedText: RequestHandler = (req, _res, next) => {
  // Without a query string or a body there is nothing to look at (and no query to parse).
  const flaw =
    (req.url.includes('?') ? firstTextFlaw(req.query, 'query') : null) ?? (req.body === undefined ? null : firstTextFlaw(req.body, 'body'));
  if (flaw) next(new AppError('VALIDATION_FAILED', undefined, { issues: [flaw] }));
  else next();
};

/**
 * The `verify` hook of the JSON body parsers, on the body's bytes (after Content-Encoding is
 * undone), before it is parsed:
 * - bytes that are not valid UTF-8 are refused, instead of being decoded with U+FFFD in place of
 *   each bad byte and stored that way (RFC 8259 §8.1: JSON is UTF-8);
 * - an object that names a member twice is refused, instead of silently keeping the last value
 *   (duplicate-keys.ts: another reader of the same bytes may keep the first).
 * @throws AppError VALIDATION_FAILED (400): issue path `body`, or the object's path (`body.items.0`)
 */
export function verifyJsonText(_req: unknown, _res: unknown, raw: Buffer): void {
  if (!isValidUtf8(raw))
    throw new AppError('VALIDATION_FAILED', 'The request body is not valid UTF-8.', {
      issues: [{ path: 'body', message: 'not valid UTF-8 (JSON bodies are UTF-8, RFC 8259)' }],
    });
  const duplicate = firstDuplicateKey(raw);
  if (duplicate)
    throw new AppError('VALIDATION_FAILED', 'The request body names a member twice in one object.', {
      issues: [{ path: duplicate.path, message: `duplicate key ${JSON.stringify(duplicate.key)} (each name once per object, RFC 7493)` }],
    });
}
