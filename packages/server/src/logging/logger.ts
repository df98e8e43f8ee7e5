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
  /[0-9A-Za-z]{40,}/g,
];

/** Replaces every credential-shaped substring of `text` with `[redacted]`. */
export function scrubCredentials(text: string): string {
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
  return path
    .split('/')
    .map((segment) => (mayCarryCredential(segment) ? CENSOR : segment))
    .join('/');
}

type Raw = IncomingMessage & { originalUrl?: string; route?: { path?: unknown }; tsRestRoute?: { path?: string }; id?: unknown };

/** The contract route pattern a request matched (e.g. `/api/v1/organizations/:orgId/api-keys`), or null. */
export function routePattern(req: IncomingMessage): string | null {
  const r = req as Raw;
  if (typeof r.tsRestRoute?.path === 'string') return r.tsRestRoute.path;
  return typeof r.route?.path === 'string' ? r.route.path : null;
}

/** pino's streamWrite hook: the last step before a line leaves the process. */
const streamWrite = (line: string): string => scrubCredentials(line);

/**
 * The server's logger: JSON lines on stdout at `level`, redacted and scrubbed (see above).
 * Lines are written asynchronously (pino.destination with `sync: false`, a sonic-boom stream):
 * the request path never waits on the write, and pino flushes what is buffered when the process
 * exits (flush it yourself with `logger.flush()` before any other shutdown).
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: CENSOR }, base: undefined, hooks: { streamWrite } },
    pino.destination({ dest: 1, sync: false }),
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
