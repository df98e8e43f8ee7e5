import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { createGateway } from '../src/app.js';
import pino from 'pino';

describe('CLI: user:create and member:set', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    BOOTSTRAP_ADMIN_EMAIL: 'root@example.com',
    BOOTSTRAP_ADMIN_PASSWORD: 'root-password-123',
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function run(command: string, values: Record<string, string | boolean>): Promise<{ code: number; out: string }> {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const code = await runCommand(command, { json: true, ...values }, config, 'usage');
      return { code, out: [...log.mock.calls, ...err.mock.calls].map((c) => String(c[0])).join('\n') };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  }

  it('creates a user, then gives it a role; the membership is stored and audited as the CLI', async () => {
    // Operator commands need an existing database: create it the way an operator does.
    expect((await run('migrate', {})).code).toBe(0);
    const org = JSON.parse((await run('org:create', { name: 'CLI Org' })).out) as { id: string };
    const created = await run('user:create', { email: 'Ops@Example.com', name: 'Ops', password: 'a very long password' });
    expect(created.code).toBe(0);
    const user = JSON.parse(created.out) as { id: string; email: string };
    expect(user.email).toBe('ops@example.com');
    expect(created.out).not.toContain('a very long password');
    const set = await run('member:set', { org: org.id, email: 'ops@example.com', role: 'editor' });
    expect(set.code).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ userId: user.id, organizationId: org.id, role: 'editor' });
    // Operator mistakes surface as errors the CLI entry point prints (exit code 1).
    await expect(run('member:set', { org: org.id, email: 'ops@example.com', role: 'owner' })).rejects.toThrow('--role must be one of');
    await expect(run('user:create', { email: 'short@example.com', password: 'short' })).rejects.toThrow('at least 12');
    expect((await run('member:set', { org: org.id, email: 'nobody@example.com', role: 'viewer' })).code).toBe(1);

    const gw = await createGateway(config, { logger: pino({ level: 'silent' }) });
    try {
      expect((await gw.users.get(user.id)).memberships).toEqual([{ organizationId: org.id, role: 'editor' }]);
      const events = await gw.database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_id'])
        .where('target_id', '=', user.id)
        .execute();
      expect(events).toEqual(
        expect.arrayContaining([
          { action: 'user.created', actor_id: 'cli' },
          { action: 'membership.role_set', actor_id: 'cli' },
        ]),
      );
    } finally {
      await gw.close();
    }
  });
});
