import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../src/storage/change-feed.js';
import { commitWithChanges } from '../src/storage/change-transaction.js';
import { PgChangeFeed } from '../src/storage/pg-change-feed.js';
import { DIALECTS, startTestServer, type TestServer } from './harness.js';

const waitFor = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe.each(DIALECTS)('changes are announced with their transaction (%s)', (dialect) => {
  let server: TestServer;
  let remote: PgChangeFeed | null = null;
  const local: ChangeEvent[] = [];
  const elsewhere: ChangeEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    server.gateway.feed.subscribe({ onEvent: (e) => local.push(e), onReset: () => {} });
    if (dialect === 'postgres') {
      // Another instance's subscription, on its own connection.
      remote = new PgChangeFeed({ connectionString: server.databaseUrl! });
      remote.subscribe({ onEvent: (e) => elsewhere.push(e), onReset: () => {} });
      await remote.start();
    }
  });
  afterAll(async () => {
    await remote?.close();
    await server?.close();
  });

  it('a committed change reaches this instance after the commit, and other instances', async () => {
    const { db } = server.gateway.database;
    let seenInside = -1;
    await commitWithChanges(db, server.gateway.feed, async (trx, announce) => {
      await trx.selectFrom('settings').select('key').execute();
      announce({ type: 'session', sessionId: 'ses_committed' });
      seenInside = local.length;
    });
    expect(seenInside).toBe(0);
    expect(local).toContainEqual({ type: 'session', sessionId: 'ses_committed' });
    if (remote) expect(await waitFor(() => elsewhere.some((e) => e.type === 'session' && e.sessionId === 'ses_committed'))).toBe(true);
  });

  it('a rolled-back change announces nothing, here or elsewhere', async () => {
    const { db } = server.gateway.database;
    await expect(
      commitWithChanges(db, server.gateway.feed, async (_trx, announce) => {
        announce({ type: 'session', sessionId: 'ses_rolled_back' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // A later committed change is the marker: once it has arrived, the rolled-back one would have too.
    await commitWithChanges(db, server.gateway.feed, async (_trx, announce) => announce({ type: 'session', sessionId: 'ses_marker' }));
    if (remote) expect(await waitFor(() => elsewhere.some((e) => e.type === 'session' && e.sessionId === 'ses_marker'))).toBe(true);
    const ids = (events: ChangeEvent[]) => events.flatMap((e) => (e.type === 'session' ? [e.sessionId] : []));
    expect(ids(local)).not.toContain('ses_rolled_back');
    expect(ids(elsewhere)).not.toContain('ses_rolled_back');
  });
});
