// For the tests: a small local stand-in for HashiCorp Vault's KV version 2 HTTP API, the part the
// secret-store example uses (mount `secret`). Shapes follow Vault's documentation:
//   GET  /v1/secret/data/<path>  → 200 { data: { data: {…}, metadata: { version, created_time, … } } }
//   POST /v1/secret/data/<path>  { data: {…} } → 200 { data: { version, created_time, … } }
//   wrong or missing X-Vault-Token → 403 { errors: ['permission denied'] }; no secret → 404 { errors: [] }
// Against a real Vault (`vault server -dev`), the example runs unchanged.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VaultStandIn {
  /** `VAULT_ADDR` for the example. */
  address: string;
  /** `VAULT_TOKEN` for the example. */
  token: string;
  /** How many reads each path got. */
  reads: Map<string, number>;
  close(): Promise<void>;
}

interface Version {
  data: Record<string, unknown>;
  createdTime: string;
}

export async function startVaultStandIn(): Promise<VaultStandIn> {
  const token = `hvs.${randomUUID().replace(/-/g, '')}`;
  const secrets = new Map<string, Version[]>();
  const reads = new Map<string, number>();
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const match = /^\/v1\/secret\/data\/(.+)$/.exec(req.url ?? '');
    if (!match) return send(404, { errors: [] });
    if (req.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
    const path = decodeURIComponent(match[1]!);
    const versions = secrets.get(path) ?? [];
    const envelope = {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      wrap_info: null,
      warnings: null,
      auth: null,
    };
    const metadata = (i: number) => ({
      created_time: versions[i]!.createdTime,
      custom_metadata: null,
      deletion_time: '',
      destroyed: false,
      version: i + 1,
    });
    if (req.method === 'GET') {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      if (versions.length === 0) return send(404, { errors: [] });
      return send(200, { ...envelope, data: { data: versions.at(-1)!.data, metadata: metadata(versions.length - 1) } });
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        let data: unknown;
        try {
          data = (JSON.parse(text) as { data?: unknown }).data;
        } catch {
          /* below */
        }
        if (!data || typeof data !== 'object') return send(400, { errors: ['no data provided'] });
        versions.push({ data: data as Record<string, unknown>, createdTime: new Date().toISOString() });
        secrets.set(path, versions);
        send(200, { ...envelope, data: metadata(versions.length - 1) });
      });
      return;
    }
    send(405, { errors: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    reads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
