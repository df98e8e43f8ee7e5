import type { ChildProcess } from 'node:child_process';

/**
 * Waits for a spawned `payment-gateway start` to log `payment gateway listening on` and resolves
 * the bound URL from that JSON line (with PORT=0 it is known only from there). Rejects with
 * everything the process printed when it exits first or stays silent for `timeoutMs`.
 */
export function waitForListening(proc: ChildProcess, timeoutMs = 30_000): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" log line within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('payment gateway listening on'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
}
