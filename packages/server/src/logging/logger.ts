import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs that never carry a credential (SPEC §7.5), whatever field carried it:
 * query string, any header, path, body, error message.
 *
 * Three layers, each enough on its own for what it covers:
 * 1. Request lines name the route pattern and the path with credential-shaped segments masked;
 *    the query string is never logged; headers are an allowlist (REQUEST_LOG_HEADERS), not a
 *    denylist, so a credential in a header nobody thought of is simply not there.
 * 2. Pino redaction of the fields known to hold secrets (token, password, secret, apiKey, …).
 * 3. Every finished log line, at every level, passes through scrubCredentials before it is
 *    written: any string shaped like one of the product's tokens (API key `sk_…`, magic link
 *    `pml_…`, portal session `pst_…`, refresh token `rt_…`, access JWT `eyJ…`) or any run of 40+
 *    base62 characters (a bare secret) becomes `[redacted]`. This catches error messages and
 *    objects, bindings and anything a future log call adds.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.token',
  '*.password',
  '*.secret',
  '*.apiKey',
  'token',
  'password',
  'secret',
];

/** Request headers that may appear in a log line (values are scrubbed too). */
export const REQUEST_LOG_HEADERS = [
  'accept',
  'content-length',
  'content-type',
  'origin',
  'sec-fetch-site',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
] as const;

/** Response headers that may appear in a log line. */
export const RESPONSE_LOG_HEADERS = ['content-length', 'content-type', 'retry-after', 'x-request-id'] as const;

const CENSOR = '[redacted]';

/** Credential shapes of every token kind the product issues, and bare secrets. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  // API keys, whole or truncated: sk_<keyId>.<secret+checksum> (keys/token.ts).
  /(?<![0-9A-Za-z])sk_[0-9A-Za-z]+(?:\.[0-9A-Za-z]*)?/g,
  // Magic-link, portal session and refresh tokens: prefix + base62 (portal/portal-tokens.ts, sessions/refresh-tokens.ts).
  /(?<![0-9A-Za-z])(?:pml|pst|rt)_[0-9A-Za-z]{6,}/g,
  // Access tokens: JWTs (base64url JSON header "{"… = eyJ…), whole or in part (sessions/access-tokens.ts).
  /eyJ[0-9A-Za-z_-]{6,}(?:\.[0-9A-Za-z_-]*){0,2}/g,
  // A bare secret: 40+ base62 characters (every token's random part is 43; request ids are 32 hex).
  // Tried only where a run starts: the same matches, without re-scanning a run from each position.
  /(?<![0-9A-Za-z])[0-9A-Za-z]{40,}/g,
];

/** 1 for the ASCII letters and digits, the characters of every credential shape above. */
const ALNUM = new Uint8Array(128);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz') ALNUM[c.charCodeAt(0)] = 1;
const isAlnum = (c: number) => c < 128 && ALNUM[c] === 1;
const isJwtChar = (c: number) => isAlnum(c) || c === 45 /* - */ || c === 95; /* _ */

/** True when `count` characters from `from` on all satisfy `ok`. */
function runOf(text: string, from: number, count: number, ok: (c: number) => boolean): boolean {
  if (from + count > text.length) return false;
  for (let i = from; i < from + count; i++) if (!ok(text.charCodeAt(i))) return false;
  return true;
}

/**
 * True wherever at least one of CREDENTIAL_PATTERNS would match (the shortest start of each
 * pattern, found in one pass): a clean line (the usual case) is then returned as it is, without
 * the four regular-expression passes, the 40-character one of which backtracks at every position.
 */
function mayHoldCredential(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      run = 0;
      continue;
    }
    // Prefixed tokens start where a run of letters and digits starts (the patterns' lookbehind).
    if (run === 0) {
      if (c === 115 /* s */ && text.startsWith('sk_', i) && runOf(text, i + 3, 1, isAlnum)) return true;
      if (c === 112 /* p */ && (text.startsWith('pml_', i) || text.startsWith('pst_', i)) && runOf(text, i + 4, 6, isAlnum)) return true;
      if (c === 114 /* r */ && text.startsWith('rt_', i) && runOf(text, i + 3, 6, isAlnum)) return true;
    }
    if (c === 101 /* e */ && text.startsWith('eyJ', i) && runOf(text, i + 3, 6, isJwtChar)) return true;
    if (++run >= 40) return true;
  }
  return false;
}

/** Replaces every credential-shaped substring of `text` with `[redacted]`. */
export function scrubCredentials(text: string): string {
  if (!mayHoldCredential(text)) return text;
  let out = text;
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, CENSOR);
  return out;
}

/** Percent-decoding rounds tried on a path segment; what still holds an escape after them is masked. */
const DECODE_ROUNDS = 4;

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** True when the segment, raw or after any number of percent-decodings, may carry a credential. */
function mayCarryCredential(segment: string): boolean {
  let current = segment;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (scrubCredentials(current) !== current) return true;
    const next = safeDecode(current);
    if (next === current) return false;
    current = next;
  }
  // Still encoded after every round (e.g. `%25` nested deeper than anyone encodes by mistake).
  return /%[0-9A-Fa-f]{2}/.test(current);
}

/**
 * The request path without its query string; each segment that is, or decodes (once or several
 * times: `%2573k_…` is `sk_…` twice encoded) to, something credential-shaped is masked.
 */
export function maskedPath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0]!.split('#')[0]!;
  const known = maskedPaths.get(path);
  if (known !== undefined) return known;
  const masked = path
    .split('/')
    .map((segment) => (mayCarryCredential(segment) ? CENSOR : segment))
    .join('/');
  // Request paths repeat (the same few routes, ids): remember the answer for the clean ones only,
  // so no credential is kept in memory for longer than its request.
  if (masked === path) {
    if (maskedPaths.size >= MASKED_PATHS_MAX) maskedPaths.clear();
    maskedPaths.set(path, masked);
  }
  return masked;
}

/** Paths already found to carry nothing credential-shaped (bounded; cleared when full). */
const maskedPaths = new Map<string, string>();
const MASKED_PATHS_MAX = 1000;

type Raw = IncomingMessage & { originalUrl?: string; route?: { path?: unknown }; tsRestRoute?: { path?: string }; id?: unknown };

/** The contract route pattern a request matched (e.g. `/api/v1/organizations/:orgId/api-keys`), or null. */
export function routePattern(req: IncomingMessage): string | null {
  const r = req as Raw;
  if (typeof r.tsRestRoute?.path === 'string') return r.tsRestRoute.path;
  return typeof r.route?.path === 'string' ? r.route.path : null;
}

/** pino's streamWrite hook: the last step before a line leaves the process. */
const streamWrite = (line: string): string => scrubCredentials(line);

/** Bytes of request log lines gathered before one write to stdout (a write per line costs more than the line). */
export const LOG_BATCH_BYTES = 4096;
/** Longest time a gathered request line waits for its batch to fill before it is written anyway, in ms. */
export const LOG_FLUSH_INTERVAL_MS = 250;

/**
 * The server's logger: JSON lines on stdout at `level`, redacted and scrubbed (see above).
 * Lines are written asynchronously (pino.destination with `sync: false`, a sonic-boom stream):
 * the request path never waits on the write. Request lines (request-log.ts, the only lines that
 * come one per request) are gathered into writes of LOG_BATCH_BYTES and written at least every
 * LOG_FLUSH_INTERVAL_MS, so a busy server makes one write per few lines instead of one per line;
 * every other line (start, status changes, warnings, errors) is written at once. pino flushes
 * what is buffered when the process exits (flush it yourself with `logger.flush()` before any
 * other shutdown); only a process killed outright (SIGKILL, out of memory) loses what was
 * gathered since the last write.
 */
export function createLogger(level: string): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_INTERVAL_MS });
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      base: undefined,
      hooks: {
        streamWrite,
        // Every line logged through pino's methods leaves now; the request log writes its lines
        // to the destination directly (completedLineWriter), so only those wait for a batch.
        logMethod(args, method) {
          method.apply(this, args);
          try {
            destination.flush();
          } catch {
            // Destroyed: the process is ending and pino has written what it had.
          }
        },
      },
    },
    destination,
  );
}

/**
 * A child of `logger` (built here or injected by an embedder or a test) with redaction and the
 * credential scrub applied to every line it or its children write, at every level.
 */
export function secureLogger(logger: Logger): Logger {
  const child = logger.child({}, { redact: { paths: REDACT_PATHS, censor: CENSOR } });
  const hooks = (logger as unknown as Record<symbol, { streamWrite?: (s: string) => string } | undefined>)[pino.symbols.hooksSym];
  const inner = hooks?.streamWrite;
  // Children inherit the hooks of their prototype: set them on this child, not on the caller's logger.
  (child as unknown as Record<symbol, unknown>)[pino.symbols.hooksSym] = {
    ...hooks,
    // A logger from createLogger already scrubs with this very hook: once is enough.
    streamWrite: inner === streamWrite ? streamWrite : (line: string) => streamWrite(inner ? inner(line) : line),
  };
  return child;
}
