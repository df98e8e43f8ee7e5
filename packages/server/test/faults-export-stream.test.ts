import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from './harness.js';
import { stillRunning } from './support/fault-load.js';
import { waitFor } from './support/instances.js';
import { startProxiedInstance, type ProxiedInstance } from './support/proxied-instance.js';
import type { TcpProxy } from './support/tcp-proxy.js';

// SPEC §5 + §7.4: a streamed export whose database connection dies after the response has
// started (200 and the first rows sent). The client must see a broken response (the transfer is
// aborted, never a clean end that would look like a complete, shorter file; or the whole file
// when the pool could replace the lost connection in time), the server stays up, and the next
// export is complete.
if (!TEST_DATABASE_URL) console.log('[faults-export-stream] TEST_DATABASE_URL is not set: skipped');

const TIMEOUT_MS = 1500;
const CLIENTS = 8000;

describe.skipIf(!TEST_DATABASE_URL)('an export when the database goes away mid-stream', () => {
  let f: ProxiedInstance;
  let io: string;

  beforeAll(async () => {
    f = await startProxiedInstance('X', { env: { DATABASE_TIMEOUT_MS: String(TIMEOUT_MS) } });
    const orgId = await f.gw.createOrganization('Export faults');
    io = (await f.gw.createKey(orgId, ['data_io:execute', 'data_io:read'])).token;
    for (let part = 0; part < CLIENTS / 4000; part++) {
      const rows = Array.from(
        { length: 4000 },
        (_, i) => `c${part}-${i}@example.com,Customer ${part}-${i} with a longer name,ext-${part}-${i}`,
      );
      const csv = ['email,name,externalId', ...rows].join('\n');
      const res = await fetch(`${f.gw.url}/api/v1/data-import-export/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${io}`, 'content-type': 'application/json' },
        body: JSON.stringify({ csv }),
        signal: AbortSignal.timeout(60_000),
      });
      expect(res.status, await res.clone().text()).toBe(201);
    }
  }, 120_000);
  afterAll(async () => f?.close());

  /** Starts an export, reads its first chunk, applies `fault`, then reads on: what the client sees. */
  async function exportWith(
    format: 'csv' | 'json',
    fault: () => Promise<void>,
  ): Promise<{ status: number; outcome: string; bytes: number }> {
    const res = await fetch(`${f.gw.url}/api/v1/data-import-export/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${io}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entityType: 'clients', format }),
      signal: AbortSignal.timeout(60_000),
    });
    const reader = res.body!.getReader();
    let bytes = (await reader.read()).value?.length ?? 0;
    await fault();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { status: res.status, outcome: 'ended cleanly', bytes };
        bytes += value.length;
      }
    } catch {
      return { status: res.status, outcome: 'aborted', bytes };
    }
  }

  const fullSize = async (format: 'csv' | 'json') => (await exportWith(format, async () => {})).bytes;

  it.each([
    ['connections reset', async (p: TcpProxy) => p.reset()],
    [
      'backends terminated',
      async () => {
        await f.admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        );
      },
    ],
    ['a silent partition', async (p: TcpProxy) => p.blackhole()],
  ] as const)(
    '%s mid-stream: an aborted transfer (never a clean end short of the file), the server stays up and recovers',
    { timeout: 90_000 },
    async (name, fault) => {
      for (const format of ['csv', 'json'] as const) {
        const complete = await fullSize(format);
        const cut = await exportWith(format, () => fault(f.proxy));
        f.proxy.heal();
        expect(cut.status).toBe(200);
        // The pool may replace a lost idle connection before the next page and finish the export;
        // what may never happen is a clean end short of the whole file.
        if (cut.outcome === 'ended cleanly') expect(cut.bytes, `${format}: a clean end`).toBe(complete);
        else expect(cut.bytes, `${format}: an aborted transfer`).toBeLessThan(complete);
        // Through a silent partition no page can be read any more: the transfer must abort.
        if (name === 'a silent partition') expect(cut.outcome, `${format}: ${cut.bytes} of ${complete} bytes`).toBe('aborted');
        await waitFor(
          'the gateway to be ready again',
          async () => (await f.gw.request('GET', '/health/ready')).status === 200,
          20_000,
          100,
        );
        expect(await stillRunning(f.gw)).toBe('running');
        const again = await waitFor(
          'a complete export again',
          async () => {
            const r = await exportWith(format, async () => {});
            return r.outcome === 'ended cleanly' ? r : null;
          },
          20_000,
          200,
        );
        expect(again.bytes).toBe(complete);
      }
    },
  );
});
