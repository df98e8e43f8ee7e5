/**
 * Collects lastUsedAt per key in memory and flushes them in one batch on an interval, so
 * verification never writes to the database (SPEC §7.2).
 */
export class LastUsedRecorder {
  #pending = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (entries: ReadonlyMap<string, string>) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  touch(keyId: string, at: Date): void {
    this.#pending.set(keyId, at.toISOString());
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.intervalMs);
    this.#timer.unref();
  }

  /** Writes what is pending; entries that fail to write are kept for the next flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0) return;
      const batch = this.#pending;
      this.#pending = new Map();
      try {
        await this.write(batch);
      } catch (err) {
        for (const [k, v] of batch) if (!this.#pending.has(k)) this.#pending.set(k, v);
        this.onError(err);
      }
    });
    return this.#flushing;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.flush();
  }
}
