/** The options of `http.createServer` that bound how long a client may take to send a request. */
export interface RequestTimeouts {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
}

/**
 * Node's request timeouts for REQUEST_TIMEOUT_MS (`ms`): the whole request, headers and body,
 * within `ms` (then 408 REQUEST_TIMEOUT in the one error body, client-error.ts, and the connection
 * closes); its headers within at most 60 s of it (Node requires headersTimeout ≤ requestTimeout);
 * checked every tenth of it, at least every 100 ms and at most every 30 s (Node checks every 30 s
 * by default, so a 408 could otherwise come that much late). Without this, a client that announces
 * a longer body than it sends holds its connection for Node's 300 s default.
 */
export function requestTimeouts(ms: number): RequestTimeouts {
  return {
    requestTimeout: ms,
    headersTimeout: Math.min(60_000, ms),
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(ms / 10))),
  };
}
