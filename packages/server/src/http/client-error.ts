import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CODES, type ErrorCode } from '@payment-gateway/contract';
import type { Logger } from 'pino';
import { errorBody } from '../errors/app-error.js';
import { newRequestId } from './request-id.js';

/** What Node's HTTP parser (llhttp) or server reports on a request it refused before Express saw it. */
interface ClientError extends Error {
  code?: string;
}

/** The status and code of a request Node refused (SPEC §7.1): 431 headers too large, 408 timeout, else 400. */
export function clientErrorCode(err: ClientError): ErrorCode {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE';
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'REQUEST_TIMEOUT';
    default:
      return 'MALFORMED_REQUEST';
  }
}

const REASON: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** A complete HTTP/1.1 response with the one error body and a fresh X-Request-ID; the connection closes. */
export function clientErrorResponse(code: ErrorCode, requestId: string): string {
  const { status } = ERROR_CODES[code];
  const body = JSON.stringify(errorBody(code, requestId));
  return [
    `HTTP/1.1 ${status} ${REASON[status] ?? 'Bad Request'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-ID: ${requestId}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Answers requests that Node's HTTP parser refuses (an unknown method, a NUL byte in a header,
 * bad chunked framing, oversized headers, a header timeout, …) with the one error body and an
 * X-Request-ID instead of Node's bare `400` (SPEC §7.1), then closes the connection: after a
 * framing error nothing else on it can be trusted. CONNECT gets 405 the same way, and an
 * unsupported `Expect` is ignored instead of Node's bare 417. Attach it to every server that serves the app
 * (`Gateway.listen` does; embedders that create their own server call it too).
 *
 * The raw bytes (`err.rawPacket`) are never logged: they may hold a credential (SPEC §7.5).
 */
export function answerClientErrors(server: Server, logger?: Logger): void {
  // CONNECT is never served: without a listener Node would drop the connection without a word.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    socket.end(clientErrorResponse('METHOD_NOT_ALLOWED', newRequestId()));
  });
  // An Expect other than 100-continue: Node would answer a bare 417. RFC 9110 lets a server
  // ignore an expectation it does not support, so the request is served as if it had none.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    server.emit('request', req, res);
  });
  server.on('clientError', (err: ClientError, socket: Duplex) => {
    // Node's own rule: answer only if the socket can still be written and no response on it has
    // started (a keep-alive connection may fail mid-response); otherwise just drop it.
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(err);
    const requestId = newRequestId();
    logger?.info({ requestId, code, reason: err.code ?? 'unknown' }, 'malformed HTTP request refused');
    socket.end(clientErrorResponse(code, requestId));
  });
}
