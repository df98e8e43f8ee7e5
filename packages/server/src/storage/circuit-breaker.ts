/** The message of the error a request gets at once while the circuit is open. */
export const CIRCUIT_OPEN_MESSAGE = 'Database unreachable: no answer within DATABASE_TIMEOUT_MS; waiting for it to answer again';

export interface CircuitBreakerOptions {
  /** Resolves true when the database answers again (a fresh connection and `select 1`). */
  probe: () => Promise<boolean>;
  /** Pause between probes in milliseconds. @default 200 */
  probeEveryMs?: number;
}

/**
 * Fail fast while the database does not answer (SPEC §7.4). A silent partition makes every
 * database call wait the whole DATABASE_TIMEOUT_MS; once one call has timed out, the next
 * ones fail at once (503) instead of each waiting again and holding pool clients, and a probe
 * on a fresh connection closes the circuit as soon as the database answers. Only timeouts trip
 * it: refused or reset connections already fail fast, and a terminated backend says nothing
 * about the others.
 */
export class CircuitBreaker {
  #open = false;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(private readonly options: CircuitBreakerOptions) {}

  get isOpen(): boolean {
    return this.#open;
  }

  /**
   * Throws while the circuit is open.
   * @throws Error with CIRCUIT_OPEN_MESSAGE (mapped to 503 SERVICE_UNAVAILABLE by isDatabaseUnavailable)
   */
  check(): void {
    if (this.#open) throw new Error(CIRCUIT_OPEN_MESSAGE);
  }

  /** A call timed out: open the circuit and probe until the database answers. */
  trip(): void {
    if (this.#open || this.#stopped) return;
    this.#open = true;
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.options.probe().then(
        (ok) => {
          if (ok) this.#open = false;
          else this.#schedule();
        },
        () => this.#schedule(),
      );
    }, this.options.probeEveryMs ?? 200);
    this.#timer.unref();
  }
}

/** Errors that mean "no answer in time" (node-postgres): the ones that trip the circuit. */
export function isTimeout(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return message === 'Query read timeout' || message === 'timeout expired' || message.startsWith('timeout exceeded when trying to connect');
}
