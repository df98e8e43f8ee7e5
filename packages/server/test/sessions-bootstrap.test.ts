import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createTestDatabase, DIALECTS } from './harness.js';

describe.each(DIALECTS)('bootstrap global admin (%s)', (dialect) => {
  let dataDir: string;
  let pgDb: { url: string; drop(): Promise<void> } | null = null;
  const env = () => ({
    PORT: '0',
    DATA_DIR: dataDir,
    ...(pgDb ? { DATABASE_URL: pgDb.url, API_KEY_PEPPER: 'p'.repeat(40), JWT_SECRET: 'j'.repeat(40) } : {}),
  });
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gw-boot-'));
    if (dialect === 'postgres') pgDb = await createTestDatabase();
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await pgDb?.drop();
  });

  async function start(): Promise<{ gw: Gateway; banners: string[]; url: string }> {
    const banners: string[] = [];
    const gw = await createGateway(loadConfig(env()), { logger: pino({ level: 'silent' }), announce: (b) => banners.push(b) });
    return { gw, banners, url: await gw.listen() };
  }

  it('first start prints a generated password once; it signs in as a global admin; later starts print nothing', async () => {
    const first = await start();
    try {
      expect(first.banners).toHaveLength(1);
      const password = /password: (\S+)/.exec(first.banners[0]!)![1]!;
      expect(password).toMatch(/^[0-9A-Za-z]{24}$/);
      expect(first.banners[0]).toContain('admin@gateway.local');
      const res = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@gateway.local', password }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { user: { globalAdmin: boolean } }).user.globalAdmin).toBe(true);
    } finally {
      await first.gw.close();
    }
    const second = await start();
    try {
      expect(second.banners).toHaveLength(0);
      expect(await second.gw.users.count()).toBe(1);
    } finally {
      await second.gw.close();
    }
  });
});

describe('bootstrap global admin from the environment', () => {
  it('uses BOOTSTRAP_ADMIN_EMAIL/PASSWORD and announces nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gw-boot-'));
    const banners: string[] = [];
    const config = loadConfig({
      PORT: '0',
      DATA_DIR: dataDir,
      BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: 'a-long-operator-password',
    });
    const gw = await createGateway(config, { logger: pino({ level: 'silent' }), announce: (b) => banners.push(b) });
    try {
      expect(banners).toEqual([]);
      const { items } = await gw.users.list({ page: 1, limit: 10 });
      expect(items).toMatchObject([{ email: 'ops@example.com', globalAdmin: true }]);
    } finally {
      await gw.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
