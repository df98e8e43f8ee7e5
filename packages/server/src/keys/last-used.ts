import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { touchLastUsed } from './key-repository.js';
import { addKeyUsage, hourOf, type KeyUsageCount } from './key-usage.js';

const HOUR_MS = 3_600_000;

/** What one flush writes: lastUsedAt per key, and request counts per key and hour. */
export interface KeyActivityBatch {
  lastUsed: ReadonlyMap<string, string>;
  usage: ReadonlyMap<string, KeyUsageCount>;
}

/**
 * Writes one batch: lastUsedAt first (idempotent), then the counts (additive), so a batch that
 * fails half-way and is retried never counts a request twice.
 */
export async function writeKeyActivity(db: Kysely<Database>, batch: KeyActivityBatch, now: Date): Promise<void> {
  await touchLastUsed(db, batch.lastUsed);
  await addKeyUsage(db, batch.usage.values(), now);
}

/**
 * Collects lastUsedAt per key and request counts per key and UTC hour (accepted, refused) in
 * memory, and flushes both in one batch on an interval, so verification never writes to the
 * database (SPEC §7.2).
 */
export class LastUsedRecorder {
  /** keyId → last use, in epoch milliseconds (turned into ISO text once per flush, not per request). */
  #pending = new Map<string, number>();
  /** The UTC hour of the last count, so a request formats no date (hourOf) while the hour lasts. */
  #hour = { start: Number.NaN, text: '' };
  #usage = new Map<string, KeyUsageCount>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: KeyActivityBatch) => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  touch(keyId: string, at: Date): void {
    this.#pending.set(keyId, at.getTime());
  }

  /** Counts one request of a proven key: accepted (authenticated and authorized) or refused. */
  count(keyId: string, at: Date, accepted: boolean): void {
    const ms = at.getTime();
    if (!(ms >= this.#hour.start && ms < this.#hour.start + HOUR_MS)) {
      const text = hourOf(at);
      this.#hour = { start: Date.parse(text), text };
    }
    const hour = this.#hour.text;
    const id = `${keyId} ${hour}`;
    let entry = this.#usage.get(id);
    if (!entry) {
      entry = { keyId, hour, accepted: 0, refused: 0 };
      this.#usage.set(id, entry);
    }
    if (accepted) entry.accepted += 1;
    else entry.refused += 1;
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.intervalMs);
    this.#timer.unref();
  }

  /** Writes what is pending; entries that fail to write are kept for the next flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (this.#pending.size === 0 && this.#usage.size === 0) return;
      const pending = this.#pending;
      const batch = { lastUsed: new Map([...pending].map(([k, ms]) => [k, new Date(ms).toISOString()])), usage: this.#usage };
      this.#pending = new Map();
      this.#usage = new Map();
      try {
        await this.write(batch);
      } catch (err) {
        for (const [k, v] of pending) if (!this.#pending.has(k)) this.#pending.set(k, v);
        for (const [k, v] of batch.usage) {
          const now = this.#usage.get(k);
          if (now) {
            now.accepted += v.accepted;
            now.refused += v.refused;
          } else this.#usage.set(k, v);
        }
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
