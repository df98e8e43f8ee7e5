// Starts a throwaway Redis server (Debian's redis-server) on a free local port for the test run:
// bound to 127.0.0.1, no persistence (no RDB snapshots, no AOF), its files in a temp directory.
// Returns { url, port, stop } or null when redis-server is not installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The redis-server binary, or null when it is not installed. */
export function findRedisServer() {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return null;
}

function freePort() {
  const out = execFileSync(
    process.execPath,
    ['-e', "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

/** Waits (synchronously) until the server answers PING, by a tiny Node client (redis-cli may be absent). */
function waitForPong(port, timeoutMs = 10_000) {
  const probe = `const s=require('net').connect(${port},'127.0.0.1');let b='';s.on('data',d=>{b+=d;if(b.includes('PONG')){s.end();process.exit(0)}});s.on('connect',()=>s.write('PING\\r\\n'));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),1000)`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawnSync(process.execPath, ['-e', probe]).status === 0) return true;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  return false;
}

export function startThrowawayRedis() {
  const bin = findRedisServer();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const port = freePort();
  const pidFile = join(dir, 'redis.pid');
  const r = spawnSync(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'yes',
      '--pidfile',
      pidFile,
      '--logfile',
      join(dir, 'log'),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0 || !waitForPong(port)) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start: ${r.stderr || r.stdout}${log}`);
  }
  console.log(`[test] started Redis (${bin}) on 127.0.0.1:${port}`);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop() {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {}
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
