// A TCP proxy the faults benchmark controls, between one instance and PostgreSQL: reset every
// connection (RST), black-hole (hold every byte, close nothing: a silent partition) and heal
// (deliver what was held, as TCP retransmission would). The server tests have the same proxy
// in TypeScript (packages/server/test/support/tcp-proxy.ts).
import { connect, createServer } from 'node:net';

/** @param {string} targetUrl postgres:// URL @returns {Promise<{ url: string, reset(): void, blackhole(): void, heal(): void, close(): Promise<void> }>} */
export async function startTcpProxy(targetUrl) {
  const target = new URL(targetUrl);
  const pairs = new Set();
  let holing = false;
  const destroy = (p) => {
    p.client.resetAndDestroy();
    p.upstream?.resetAndDestroy();
    pairs.delete(p);
  };
  const wire = (p) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    p.upstream = upstream;
    for (const d of p.toUpstream.splice(0)) upstream.write(d);
    p.client.on('data', (d) => (holing ? p.toUpstream.push(d) : upstream.write(d)));
    upstream.on('data', (d) => (holing ? p.toClient.push(d) : p.client.write(d)));
    upstream.on('error', () => destroy(p));
    upstream.on('close', () => destroy(p));
  };
  const server = createServer((client) => {
    const p = { client, upstream: null, toUpstream: [], toClient: [] };
    pairs.add(p);
    client.on('error', () => destroy(p));
    client.on('close', () => destroy(p));
    if (holing) client.on('data', (d) => p.toUpstream.push(d));
    else wire(p);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(server.address().port);
  return {
    url: url.toString(),
    reset: () => [...pairs].forEach(destroy),
    blackhole: () => {
      holing = true;
    },
    heal: () => {
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
    close: async () => {
      [...pairs].forEach(destroy);
      await new Promise((r) => server.close(r));
    },
  };
}
