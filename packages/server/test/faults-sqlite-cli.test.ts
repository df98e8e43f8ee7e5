import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './harness.js';
import { createUser, selected, sessionToken, startSessionServer } from './session-helpers.js';
import { PROPAGATION_WINDOW_MS } from './support/propagation.js';

// SPEC §7.4: on the embedded database, a change made by another process (the CLI) reaches the
// running server as fast as one made through its API. The server notices other processes'
// commits through `PRAGMA data_version`; without that it would serve the cached role until the
// cache's 5 s maximum age.
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(serverDir, 'dist', 'payment-gateway.mjs');
const built = existsSync(BUNDLE);
if (!built) console.log('[faults-sqlite-cli] skipped: run the build first (dist/payment-gateway.mjs is the bundled CLI)');
const run = promisify(execFile);

describe.skipIf(!built)('SQLite: a role changed by the CLI in another process', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSessionServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is enforced by the running server within the same window as an API change', async () => {
    const orgId = await server.createOrganization('CLI faults');
    const editor = await createUser(server, { roles: { [orgId]: 'editor' } });
    const token = await sessionToken(server, editor);
    let n = 0;
    const write = () =>
      server.request('POST', '/api/v1/clients', {
        token,
        headers: selected(orgId),
        body: { email: `c${++n}@example.com`, name: 'Customer' },
      });
    // Warm every cache on the session's path (session, user, organization).
    for (let i = 0; i < 3; i++) expect((await write()).status).toBe(201);

    const samples: { start: number; status: number; code: string | undefined }[] = [];
    let running = true;
    const loop = (async () => {
      while (running) {
        const start = performance.now();
        const res = await write();
        samples.push({ start, status: res.status, code: res.body?.code });
      }
    })();
    let committedBy: number;
    try {
      await new Promise((r) => setTimeout(r, 100));
      const env = {
        PATH: process.env.PATH ?? '',
        DATA_DIR: server.gateway.config.dataDir,
        LOG_LEVEL: 'silent',
        DATABASE_TIMEOUT_MS: '30000',
      };
      await run(process.execPath, [BUNDLE, 'member:set', '--org', orgId, '--email', editor.email, '--role', 'viewer', '--json'], { env });
      // The CLI has exited: its change is committed.
      committedBy = performance.now();
      while (performance.now() < committedBy + PROPAGATION_WINDOW_MS + 500) await new Promise((r) => setTimeout(r, 20));
    } finally {
      running = false;
      await loop;
    }

    expect(
      samples.some((s) => s.status === 201 && s.start < committedBy),
      'writes succeeded before the change',
    ).toBe(true);
    // 503 is failing closed (the server waited DATABASE_TIMEOUT_MS for the CLI's write lock).
    const allowed = (s: { status: number; code: string | undefined }) =>
      s.status === 201 || (s.status === 403 && s.code === 'INSUFFICIENT_SCOPE') || (s.status === 503 && s.code === 'SERVICE_UNAVAILABLE');
    expect(
      samples.filter((s) => !allowed(s)),
      'only 201, the refusal, or 503',
    ).toEqual([]);
    const late = samples.filter((s) => s.status === 201 && s.start > committedBy + PROPAGATION_WINDOW_MS);
    expect(late, `no write started more than ${PROPAGATION_WINDOW_MS} ms after the CLI committed succeeds`).toEqual([]);
    const firstRefusal = samples.findIndex((s) => s.status === 403);
    expect(firstRefusal, 'the viewer role is enforced').toBeGreaterThanOrEqual(0);
    expect(
      samples.slice(firstRefusal).filter((s) => s.status === 201),
      'nothing succeeds after the first refusal',
    ).toEqual([]);
  });
});
