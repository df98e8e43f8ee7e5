import { hostname } from 'node:os';
import type { RecurringRun, RecurringStatus } from '@payment-gateway/contract';
import type { Kysely } from 'kysely';
import { AppError } from '../errors/app-error.js';
import { isDatabaseUnavailable } from '../storage/database-unavailable.js';
import type { DialectName } from '../storage/dialect.js';
import type { Database, RecurringRunsTable } from '../storage/schema.js';
import { randomBase62 } from '../util/base62.js';
import { Lease } from './recurring-lease.js';
import { advanceSchedule } from './recurring-period.js';
import { utcDate } from './schedule-dates.js';

export type RecurringTrigger = RecurringRun['trigger'];

export interface RecurringServiceDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  /** @default () => new Date() */
  now?: () => Date;
  /** Names this process in runs and leases. @default `<hostname>#<pid>` */
  instance?: string;
  /** How long a run's lease lasts without renewal (renewed after every batch). @default 300000 */
  leaseTtlMs?: number;
  /** Told about each schedule that failed (the run records a message without internals). @default ignores */
  onScheduleError?: (err: unknown, scheduleId: string) => void;
}

/** How long finished runs are kept (status reads the latest). */
const RUN_HISTORY_MS = 7 * 86_400_000;

/** Schedules read per batch; the lease is renewed between batches. */
const BATCH = 50;

/** Timer state this instance reports (set by RecurringTimer). */
export interface TimerState {
  intervalMs: number;
  nextRunAt: Date | null;
}

/**
 * SPEC §5 recurring processing: every due period of every active schedule (of an active
 * organization) generates one issued invoice. One run at a time across instances and the CLI
 * (a lease row); each period once, whatever overlaps (a unique (schedule, period) index).
 */
export class RecurringService {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;
  readonly #now: () => Date;
  readonly #lease: Lease;
  readonly #onScheduleError: (err: unknown, scheduleId: string) => void;
  readonly instance: string;
  /** What this instance's timer reports in status(); RecurringTimer keeps it current. */
  timer: TimerState = { intervalMs: 0, nextRunAt: null };

  constructor(deps: RecurringServiceDeps) {
    this.#db = deps.db;
    this.#dialect = deps.dialect;
    this.#now = deps.now ?? (() => new Date());
    this.instance = deps.instance ?? `${hostname()}#${process.pid}`;
    this.#onScheduleError = deps.onScheduleError ?? (() => {});
    this.#lease = new Lease({ db: deps.db, name: 'recurring', ttlMs: deps.leaseTtlMs ?? 300_000, now: this.#now });
  }

  /**
   * Runs recurring processing once: generates every due period's invoice, advances next run
   * dates, completes schedules past their end date. A schedule that fails is recorded in the
   * run's `errors` and retried by the next run; the others go on.
   * @throws AppError RECURRING_RUN_IN_PROGRESS (409) when another run holds the lease.
   * @throws the database error when the database becomes unreachable (503 over HTTP); the run
   *   is recorded as far as it got and the lease is released.
   */
  async process(trigger: RecurringTrigger): Promise<RecurringRun> {
    const id = runId();
    const acquired = await this.#lease.acquire(id).catch(async (err: unknown) => {
      // The UPDATE may have committed with its answer lost: free it, or it blocks runs for its TTL.
      await this.#lease.releaseWhenPossible(id);
      throw err;
    });
    if (!acquired) throw new AppError('RECURRING_RUN_IN_PROGRESS');
    const run: RecurringRunsTable = {
      id,
      trigger,
      instance: this.instance,
      started_at: this.#now().toISOString(),
      finished_at: null,
      generated: 0,
      completed: 0,
      errors: '[]',
    };
    const errors: RecurringRun['errors'] = [];
    try {
      await this.#db.insertInto('recurring_runs').values(run).execute();
      await this.#sweep(id, run, errors);
      run.finished_at = this.#now().toISOString();
      // One row per run (every RECURRING_INTERVAL_MS somewhere): keep a week of history.
      await this.#db
        .deleteFrom('recurring_runs')
        .where('started_at', '<', new Date(this.#now().getTime() - RUN_HISTORY_MS).toISOString())
        .execute();
    } finally {
      run.errors = JSON.stringify(errors);
      await this.#db
        .updateTable('recurring_runs')
        .set({ finished_at: run.finished_at, generated: run.generated, completed: run.completed, errors: run.errors })
        .where('id', '=', id)
        .execute()
        .catch(() => {});
      await this.#lease.releaseWhenPossible(id);
    }
    return toRun(run);
  }

  async #sweep(leaseOwner: string, run: RecurringRunsTable, errors: RecurringRun['errors']): Promise<void> {
    const today = utcDate(this.#now());
    // Schedules that failed (or made no progress) in this run are not picked again by it.
    const skip = new Set<string>();
    for (;;) {
      const due = await this.#dueQuery(today)
        .select(['id', 'organization_id'])
        .orderBy('next_run_date')
        .orderBy('id')
        .limit(BATCH + skip.size)
        .execute();
      const batch = due.filter((s) => !skip.has(s.id)).slice(0, BATCH);
      if (batch.length === 0) return;
      for (const s of batch) {
        try {
          const outcome = await advanceSchedule(this.#db, this.#dialect, s.id, today, this.#now());
          if (outcome.invoiceId) run.generated += 1;
          if (outcome.completed) run.completed += 1;
          if (!outcome.changed) skip.add(s.id);
        } catch (err) {
          if (isDatabaseUnavailable(err)) throw err;
          skip.add(s.id);
          this.#onScheduleError(err, s.id);
          errors.push({ scheduleId: s.id, organizationId: s.organization_id, message: messageOf(err) });
        }
      }
      // A run that lost its lease (expired and taken) stops; the new holder goes on.
      if (!(await this.#lease.renew(leaseOwner))) return;
    }
  }

  /** Active schedules of active organizations that are due by `today`, or whose end date passed. */
  #dueQuery(today: string) {
    return this.#db
      .selectFrom('recurring_schedules')
      .where('status', '=', 'active')
      .where((eb) => eb.or([eb('next_run_date', '<=', today), eb('next_run_date', 'is', null), eb('end_date', '<', today)]))
      .where('organization_id', 'in', (eb) => eb.selectFrom('organizations').select('id').where('status', '=', 'active'));
  }

  /** Last run, next run, generated count and errors (GET /system/recurring/status). */
  async status(): Promise<RecurringStatus> {
    const today = utcDate(this.#now());
    const [last, running, generated, due, next] = await Promise.all([
      this.#db.selectFrom('recurring_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst(),
      this.#lease.held(),
      this.#db
        .selectFrom('invoices')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('recurring_period', 'is not', null)
        .executeTakeFirstOrThrow(),
      this.#dueQuery(today)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      this.#db
        .selectFrom('recurring_schedules')
        .select((eb) => eb.fn.min('next_run_date').as('d'))
        .where('status', '=', 'active')
        .executeTakeFirst(),
    ]);
    return {
      intervalMs: this.timer.intervalMs,
      nextRunAt: this.timer.nextRunAt?.toISOString() ?? null,
      running,
      lastRun: last ? toRun(last) : null,
      totalGenerated: Number(generated.n),
      dueSchedules: Number(due.n),
      nextDueDate: (next?.d as string | null | undefined) ?? null,
    };
  }
}

/**
 * Run ids sort by wall-clock start (base-36 milliseconds first), so the latest run is found even
 * when the injected clock stands still (tests) and several runs share one `started_at`.
 */
function runId(): string {
  return `rrun_${Date.now().toString(36).padStart(9, '0')}${randomBase62(12)}`;
}

function toRun(r: RecurringRunsTable): RecurringRun {
  return {
    id: r.id,
    trigger: r.trigger,
    instance: r.instance,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    generated: Number(r.generated),
    completed: Number(r.completed),
    errors: JSON.parse(r.errors) as RecurringRun['errors'],
  };
}

/** A message safe to show an operator: an AppError's own, otherwise a generic one (no SQL). */
function messageOf(err: unknown): string {
  return err instanceof AppError ? `${err.code}: ${err.message}` : 'The schedule could not be processed; see the server log.';
}
