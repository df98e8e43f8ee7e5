import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { maskedPath, REQUEST_LOG_HEADERS, RESPONSE_LOG_HEADERS, routePattern, scrubCredentials } from './logger.js';

/** Paths whose requests are not logged (load balancers poll them several times a second). */
const UNLOGGED_PATHS: ReadonlySet<string> = new Set(['/health', '/health/ready']);

/** Per-request state, on one symbol so the request object keeps its shape. */
const STATE = Symbol('requestLog');

interface RequestLogState {
  started: number;
  /** The URL as received (Express may rewrite req.url inside mounted routers). */
  url: string;
  logged: boolean;
}

type LoggedRequest = Request & { [STATE]?: RequestLogState };

/** The fields of a completed request's line (see createRequestLogger). */
interface CompletedLine {
  req: { id: string; method: string; path: string; headers: Record<string, string> };
  res: { statusCode: number; headers: Record<string, string> };
  responseTime: number;
  route: string | null;
}

const COMPLETED_MESSAGE = 'request completed';

/** The parts of a pino logger (pino.symbols, public for integrations) the direct writer reads. */
type PinoInternals = Record<symbol, unknown>;

/**
 * Writes a completed request's line as `logger.info(line, 'request completed')` would, byte for
 * byte: the logger's cached level prefix, its time function, its bindings, the fields (pino too
 * serialises plain objects with JSON.stringify), the message, its line end; then its streamWrite
 * hook (the credential scrub) and its destination. Skipped, for pino's own path, is what cannot
 * apply to these fields: redaction (no path of REDACT_PATHS names one of them) and serializers of
 * other keys. Any logger option that would change the line (a mixin, a log formatter, a nested
 * key, a message prefix or key, serializers of these fields, a destination that wants metadata)
 * makes it fall back to `logger.info`, as does a level below info.
 */
export function completedLineWriter(logger: Logger): (line: CompletedLine) => void {
  const l = logger as unknown as PinoInternals;
  const s = pino.symbols;
  const serializers = l[s.serializersSym] as Record<string, unknown>;
  const formatters = l[s.formattersSym] as { log?: unknown };
  const stream = l[s.streamSym] as { write(line: string): unknown; [k: symbol]: unknown } | undefined;
  const direct =
    !l[s.mixinSym] &&
    !formatters.log &&
    !l[s.nestedKeySym] &&
    !l[(s as unknown as Record<string, symbol>).msgPrefixSym!] &&
    l[s.messageKeySym] === 'msg' &&
    !['req', 'res', 'responseTime', 'route', 'msg'].some((k) => serializers[k]) &&
    stream !== undefined &&
    stream[s.needsMetadataGsym] !== true;
  if (!direct) return (line) => logger.info(line, COMPLETED_MESSAGE);
  const prefix = () => (l[s.lsCacheSym] as Record<number, string>)[30]!;
  const time = l[s.timeSym] as () => string;
  const chindings = () => l[s.chindingsSym] as string;
  const end = l[s.endSym] as string;
  const hook = (l[s.hooksSym] as { streamWrite?: (line: string) => string } | undefined)?.streamWrite;
  const message = `,"msg":${JSON.stringify(COMPLETED_MESSAGE)}`;
  return (line) => {
    if (!logger.isLevelEnabled('info')) return;
    const text = `${prefix()}${time()}${chindings()},"req":${JSON.stringify(line.req)},"res":${JSON.stringify(line.res)},"responseTime":${line.responseTime},"route":${JSON.stringify(line.route)}${message}${end}`;
    stream.write(hook ? hook(text) : text);
  };
}

function requestHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REQUEST_LOG_HEADERS) {
    const value = headers[name];
    if (value !== undefined) out[name] = scrubCredentials(Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

function responseHeaders(res: ServerResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RESPONSE_LOG_HEADERS) {
    const value = res.getHeader(name);
    if (value !== undefined) out[name] = scrubCredentials(Array.isArray(value) ? value.join(', ') : String(value));
  }
  return out;
}

/**
 * One `info` line per finished request (SPEC §7.5), written when the response closes:
 * `{ req: { id, method, path, headers }, res: { statusCode, headers }, responseTime, route,
 * msg: 'request completed' }`, or `msg: 'request errored'` with an `err` for a 5xx or a response
 * stream error. `path` has no query string and credential-shaped segments masked (maskedPath);
 * headers are the allowlists REQUEST_LOG_HEADERS / RESPONSE_LOG_HEADERS, scrubbed; `route` is
 * the contract pattern matched (or null); `responseTime` is in milliseconds. GET /health and
 * /health/ready are not logged. The logger's credential scrub applies to every line.
 *
 * The same line pino-http wrote, at a fraction of its cost: no child logger (with the request
 * serialised up-front) per request, and the line built once from plain fields. A completed
 * request's line holds nothing but those allowlisted, scrubbed fields, so no redaction path can
 * match it: it is serialised here (completedLineWriter) and handed to the logger's destination
 * through its credential scrub, exactly as pino would have written it. An errored request's line
 * carries an `err`, which may hold anything: it goes through `logger` itself, redaction included.
 *
 * `responses` is the app's response prototype (`app.response`): the line is written when a
 * response emits 'close' (or 'error'), seen by one `emit` wrapper there instead of two listeners
 * added to every response; a response 'error' nothing else listens to is logged, not thrown.
 */
export function createRequestLogger(logger: Logger, responses: ServerResponse): RequestHandler {
  const writeCompleted = completedLineWriter(logger);
  function finish(res: ServerResponse, err: Error | undefined): void {
    const req = (res as ServerResponse & { req?: LoggedRequest }).req;
    const state = req?.[STATE];
    if (!state || state.logged) return;
    state.logged = true;
    const line: CompletedLine = {
      req: { id: req.requestId, method: req.method, path: maskedPath(state.url), headers: requestHeaders(req.headers) },
      res: { statusCode: res.statusCode, headers: responseHeaders(res) },
      responseTime: Date.now() - state.started,
      route: routePattern(req),
    };
    if (err || res.statusCode >= 500) {
      logger.info({ ...line, err: err ?? new Error(`failed with status code ${res.statusCode}`) }, 'request errored');
    } else {
      writeCompleted(line);
    }
  }
  // No listener per request: the app's response prototype sees every response's 'close' (which
  // follows every response, finished or aborted) and 'error' once, here.
  const emit = responses.emit;
  responses.emit = function emitAndLog(this: ServerResponse, event: string | symbol, err?: unknown): boolean {
    if (event === 'close') finish(this, undefined);
    else if (event === 'error') {
      finish(this, err instanceof Error ? err : new Error(String(err)));
      // Logged: a failed write (e.g. after the end) must not crash the process when nothing else listens.
      if (this.listenerCount('error') === 0) return false;
    }
    // biome-ignore lint/complexity/noArguments: every argument of the event, without an array per call
    return Reflect.apply(emit, this, arguments);
  } as ServerResponse['emit'];

  return (req: LoggedRequest, res, next) => {
    if (UNLOGGED_PATHS.has(req.url) || !logger.isLevelEnabled('info')) {
      next();
      return;
    }
    req[STATE] = { started: Date.now(), url: req.originalUrl, logged: false };
    next();
  };
}
