import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy under a test's control, between one instance and PostgreSQL (SPEC §7.4 fault
 * tests). Modes:
 * - `reset()`: every open connection is destroyed with an RST on both sides (new ones work);
 * - `blackhole()`: nothing is forwarded any more, in either direction, and nothing is closed,
 *   on open and new connections alike: a silent partition (packets dropped, no RST, no FIN);
 * - `heal()`: forwarding resumes; what was held during the black hole is delivered late, as
 *   TCP retransmission would once the route is back.
 */
export interface TcpProxy {
  /** postgres:// URL that goes through the proxy (same database, user and options). */
  url: string;
  port: number;
  reset(): void;
  blackhole(): void;
  heal(): void;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
  /** Bytes held by the black hole, per direction. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || 5432);
  const pairs = new Set<Pair>();
  let holing = false;

  const destroy = (p: Pair) => {
    p.client.resetAndDestroy();
    p.upstream?.resetAndDestroy();
    pairs.delete(p);
  };
  const wire = (p: Pair) => {
    const upstream = connect(targetPort, targetHost);
    p.upstream = upstream;
    // Forwarding by hand (not pipe) so a black hole can drop bytes without closing anything.
    for (const d of p.toUpstream.splice(0)) upstream.write(d);
    p.client.on('data', (d: Buffer) => {
      if (holing) p.toUpstream.push(d);
      else upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (holing) p.toClient.push(d);
      else p.client.write(d);
    });
    upstream.on('error', () => destroy(p));
    upstream.on('close', () => destroy(p));
  };

  const server: Server = createServer((client) => {
    const p: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
    pairs.add(p);
    client.on('error', () => destroy(p));
    client.on('close', () => destroy(p));
    // During a black hole the connection is accepted locally (as a SYN to a dead route would
    // hang, a connect through a broken middlebox may succeed) but nothing ever answers.
    if (holing) {
      client.on('data', (d: Buffer) => p.toUpstream.push(d));
      return;
    }
    wire(p);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as { port: number }).port;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    url: url.toString(),
    port,
    reset() {
      for (const p of [...pairs]) destroy(p);
    },
    blackhole() {
      holing = true;
    },
    heal() {
      holing = false;
      for (const p of [...pairs]) {
        if (!p.upstream) {
          p.client.removeAllListeners('data');
          wire(p);
          continue;
        }
        for (const d of p.toUpstream.splice(0)) p.upstream.write(d);
        for (const d of p.toClient.splice(0)) p.client.write(d);
      }
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      for (const p of [...pairs]) destroy(p);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
