/** Network-level failures reaching the database (Node socket errors). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
]);
/** PostgreSQL SQLSTATEs that mean "not reachable right now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '57P05', // idle_session_timeout
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout (DATABASE_TIMEOUT_MS)
  '55P03', // lock_not_available
  '25P03', // idle_in_transaction_session_timeout
]);
/** SQLite: the file is locked by another process (the CLI) for longer than the busy timeout. */
const SQLITE_BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
/**
 * What node-postgres says when the socket ended under a query, a pooled client broke, or a
 * wait ran past DATABASE_TIMEOUT_MS (connect, pool checkout, query round trip).
 */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Query read timeout$/,
  /^timeout expired$/,
  /^Client was closed and is not queryable/,
  /^Cannot use a pool after calling end/,
  /^Database unreachable/,
];

/**
 * True when `err` says the database cannot be reached (down, restarting, refusing connections)
 * or too slow to answer within DATABASE_TIMEOUT_MS (SPEC §7.4), rather than that a query failed: the HTTP layer answers 503 so clients and load balancers
 * retry, and nothing is served from a cache meanwhile (SPEC §7.2: fail closed).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || SQLITE_BUSY_CODES.has(code) || code.startsWith('08')) return true;
  }
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return true;
  // AggregateError from a dual-stack connect attempt carries the socket errors inside.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(isDatabaseUnavailable);
}
