import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout then stderr interleaved as it arrived. */
  output(): string;
  /** Resolves once `text` has been printed; rejects if the process exits first. */
  printed(text: string | RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** Runs `node <bundle> …args` with exactly `env` (plus PATH), like an operator at a shell. */
export function spawnCli(bundle: string, args: readonly string[], env: Record<string, string>): CliProcess {
  const child = spawn(process.execPath, [bundle, ...args], { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  const onData = (which: 'out' | 'err') => (chunk: Buffer) => {
    const text = chunk.toString();
    if (which === 'out') stdout += text;
    else stderr += text;
    all += text;
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData('out'));
  child.stderr!.on('data', onData('err'));
  const done = new Promise<CliResult>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal: signal as NodeJS.Signals | null, stdout, stderr })),
  );
  return {
    child,
    output: () => all,
    done,
    printed(text, timeoutMs = 60_000) {
      const seen = () => (typeof text === 'string' ? all.includes(text) : text.test(all));
      return new Promise<void>((resolve, reject) => {
        if (seen()) return resolve();
        const timer = setTimeout(() => finish(new Error(`not printed within ${timeoutMs} ms: ${String(text)}\n${all}`)), timeoutMs);
        const check = () => seen() && finish();
        const finish = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        void done.then(() => !seen() && finish(new Error(`exited before printing ${String(text)}:\n${all}`)));
      });
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(bundle: string, args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return spawnCli(bundle, args, env).done;
}
