import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForListening } from './listening.js';

/** A `payment-gateway start` of the bundled CLI on SQLite in a fresh data directory, PORT=0. */
export interface BundledServer {
  url: string;
  dataDir: string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts the bundle with a clean environment (only PATH): the bundle must not depend on anything
 * the test runner sets. Resolves once it logs that it listens.
 */
export async function startBundledServer(bundle: string, dataDirPrefix: string, timeoutMs = 20_000): Promise<BundledServer> {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const env = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    BOOTSTRAP_ADMIN_EMAIL: 'bundle-admin@example.com',
    BOOTSTRAP_ADMIN_PASSWORD: 'bundle-admin-password-123',
  };
  const child: ChildProcess = spawn(process.execPath, [bundle, 'start'], { cwd: tmpdir(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return { url: await waitForListening(child, timeoutMs), dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
