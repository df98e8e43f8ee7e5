// ConnectionError on real sockets (no msw here): the message names the request and the system
// error, never the key or the query string.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentGateway } from './client.js';
import { ConnectionError, redactUrl, TimeoutError } from './errors.js';
import { KEY } from './test-support/msw.js';

/** A port nothing listens on: bound, then released. */
async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('ConnectionError names the request and the cause', () => {
  it('says ECONNREFUSED with method and URL when nothing listens on the port', async () => {
    const port = await refusedPort();
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const error = (await gw.clients.list({ page: 2 }).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.method).toBe('GET');
    expect(error.url).toBe(`http://127.0.0.1:${port}/api/v1/clients?…`);
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/api/v1/clients?… failed: ECONNREFUSED`);
    expect(error.message).not.toBe('fetch failed');
    expect(error.message).not.toContain('page=2');
    expect(`${error.message} ${error.stack}`).not.toContain(KEY);
  });

  it('says ENOTFOUND (or EAI_AGAIN without DNS) for a host that does not resolve', async () => {
    // RFC 6761: .invalid never resolves.
    const gw = new PaymentGateway({ apiKey: KEY, baseUrl: 'http://gateway.invalid', maxRetries: 0 });
    const error = (await gw.clients.create({ email: 'a@example.com', name: 'A' }).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(error.message).toMatch(/^POST http:\/\/gateway\.invalid\/api\/v1\/clients failed: (ENOTFOUND|EAI_AGAIN)/);
  });

  describe('a server that accepts but never answers', () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Keeps each connection open and says nothing.
      silent = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as AddressInfo).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('times out with ETIMEDOUT, the method and the URL', async () => {
      const gw = new PaymentGateway({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, timeout: 200, maxRetries: 0 });
      const error = (await gw.clients.get('cli_0123456789abcdefAB').catch((e: unknown) => e)) as TimeoutError;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.code).toBe('ETIMEDOUT');
      expect(error.message).toBe(`GET http://127.0.0.1:${port}/api/v1/clients/cli_0123456789abcdefAB timed out after 200 ms (ETIMEDOUT).`);
    });
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://user:secret@pay.example.com/api/v1/clients?apiKey=sk_x', 'https://pay.example.com/api/v1/clients?…'],
    ['http://127.0.0.1:3000/api/v1/clients', 'http://127.0.0.1:3000/api/v1/clients'],
    ['not a url', '(invalid URL)'],
  ])('%s → %s', (raw, redacted) => {
    expect(redactUrl(raw)).toBe(redacted);
  });
});
