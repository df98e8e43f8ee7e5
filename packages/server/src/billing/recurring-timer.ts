import { AppError } from '../errors/app-error.js';
import type { RecurringService } from './recurring-service.js';

export interface RecurringTimerOptions {
  /** Milliseconds between attempts (RECURRING_INTERVAL_MS); 0 disables the timer. */
  intervalMs: number;
  /** Told about a run that failed (database down, …); the next tick tries again. */
  onError: (err: unknown) => void;
  /** Told about each run that did something. */
  onRun?: (run: Awaited<ReturnType<RecurringService['process']>>) => void;
}

/**
 * The server's recurring-processing timer (SPEC §5): every `intervalMs` it tries a run. Every
 * instance has one; the lease lets exactly one of them run at a time, the others skip that tick
 * (RECURRING_RUN_IN_PROGRESS is not an error here). The first attempt is one interval after
 * start. Unref'd: it never keeps a process alive.
 */
export class RecurringTimer {
  readonly #service: RecurringService;
  readonly #options: RecurringTimerOptions;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #stopped = true;

  constructor(service: RecurringService, options: RecurringTimerOptions) {
    this.#service = service;
    this.#options = options;
    service.timer = { intervalMs: options.intervalMs, nextRunAt: null };
  }

  start(): void {
    if (this.#options.intervalMs <= 0 || !this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops the timer and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#service.timer = { ...this.#service.timer, nextRunAt: null };
    await this.#inFlight;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const { intervalMs } = this.#options;
    this.#service.timer = { intervalMs, nextRunAt: new Date(Date.now() + intervalMs) };
    this.#timer = setTimeout(() => {
      this.#inFlight = this.#tick().finally(() => {
        this.#inFlight = null;
        this.#schedule();
      });
    }, intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      const run = await this.#service.process('timer');
      if (run.generated > 0 || run.completed > 0 || run.errors.length > 0) this.#options.onRun?.(run);
    } catch (err) {
      if (err instanceof AppError && err.code === 'RECURRING_RUN_IN_PROGRESS') return;
      this.#options.onError(err);
    }
  }
}
