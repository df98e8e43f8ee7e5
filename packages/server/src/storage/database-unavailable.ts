/** Network-level failures reaching the database (Node socket errors). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** PostgreSQL SQLSTATEs that mean "not reachable right now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What node-postgres says when the socket ended under a query or a pooled client broke. */
const PG_CONNECTION_MESSAGES = [/^Connection terminated/, /not queryable/, /^timeout exceeded when trying to connect/];

/**
 * True when `err` says the database cannot be reached (down, restarting, refusing connections)
 * rather than that a query failed: the HTTP layer answers 503 so clients and load balancers
 * retry, and nothing is served from a cache meanwhile (SPEC §7.2: fail closed).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (typeof message === 'string' && PG_CONNECTION_MESSAGES.some((re) => re.test(message))) return true;
  // AggregateError from a dual-stack connect attempt carries the socket errors inside.
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.some(isDatabaseUnavailable);
}
